"""`shipyard features`: the questions of copier.yml and what each answer adds, from the manifests."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from shipyard.errors import ShipyardError
from shipyard.questions import Question

# The template's own reader of its manifests (also what its context hook uses during a render).
FEATURE_DATA = Path("extensions") / "feature_data.py"


@dataclass(frozen=True)
class Manifest:
    """The part of a feature manifest this command shows: which answer enables it and its summary."""

    name: str
    summary: str
    question: str | None
    data: Mapping[str, Any]
    is_enabled: Callable[[Mapping[str, Any], Mapping[str, Any]], bool]

    def enabled_by(self, question: Question, choice: Any) -> bool:
        return self.question == question.name and self.is_enabled(self.data, {question.name: choice})


def load_manifests(template_dir: Path) -> list[Manifest]:
    """The template's manifests, read and matched to answers by the template's own feature_data.py."""
    feature_data = load_feature_data(template_dir)
    return [
        Manifest(
            name=str(data["name"]),
            summary=str(data.get("summary", "")),
            question=data.get("question"),
            data=data,
            is_enabled=feature_data.is_enabled,
        )
        for data in feature_data.load_manifests()
    ]


def load_feature_data(template_dir: Path) -> ModuleType:
    """Import TEMPLATE/extensions/feature_data.py under a name unique to that template directory."""
    path = (template_dir / FEATURE_DATA).resolve()
    if not path.is_file():
        raise ShipyardError(f"{template_dir} has no {FEATURE_DATA}: not a shipyard template")
    # Two templates (a checkout and a clone of another release) may be read in one process.
    name = f"shipyard_template_feature_data_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ShipyardError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def describe(questions: Mapping[str, Question], manifests: list[Manifest]) -> dict[str, Any]:
    """Plain data for both outputs: each question with what each of its answers adds."""
    described = []
    for question in questions.values():
        answers = question.choices or ((True, False) if question.type == "bool" else ())
        adds = {
            _label(answer): "; ".join(m.summary for m in manifests if m.enabled_by(question, answer))
            for answer in answers
        }
        described.append(
            {
                "name": question.name,
                "type": question.type,
                "choices": list(question.choices),
                "default": question.default,
                "help": question.help,
                "adds": {answer: summary for answer, summary in adds.items() if summary},
            }
        )
    always = [{"name": m.name, "summary": m.summary} for m in manifests if m.question is None]
    return {"questions": described, "always_included": always}


def _label(answer: Any) -> str:
    return str(answer).lower() if isinstance(answer, bool) else str(answer)


def _shown_default(default: Any) -> str:
    if default is None:
        return ""
    # A Jinja default (project_slug's) is computed from earlier answers; its expression is noise here.
    return "(from other answers)" if "{{" in str(default) else str(default)


def render_json(description: dict[str, Any]) -> str:
    return json.dumps(description, indent=2, default=str)


def render_table(description: dict[str, Any], console: Console) -> None:
    table = Table(title="Questions (answer with --data KEY=VALUE)", show_lines=True)
    table.add_column("Name", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Choices", overflow="fold")
    table.add_column("Default", overflow="fold")
    table.add_column("Help", overflow="fold", ratio=2)
    table.add_column("Adds", overflow="fold", ratio=3)
    for question in description["questions"]:
        adds = "\n".join(f"{answer}: {summary}" for answer, summary in question["adds"].items())
        cells = (
            question["name"],
            question["type"],
            ", ".join(str(choice) for choice in question["choices"]),
            _shown_default(question["default"]),
            question["help"],
            adds,
        )
        # Text() keeps brackets in help strings literal instead of reading them as rich markup.
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    for feature in description["always_included"]:
        console.print(Text(f"Always included ({feature['name']}): {feature['summary']}"))
