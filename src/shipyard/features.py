"""`shipyard features`: the questions of copier.yml and what each answer adds, from the manifests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shipyard.questions import Question

MANIFEST_DIR = Path("extensions") / "features"


@dataclass(frozen=True)
class Manifest:
    """The part of a feature manifest this command shows: which answer enables it and its summary."""

    name: str
    summary: str
    question: str | None
    value: Any
    has_value: bool

    def enabled_by(self, question: Question, choice: Any) -> bool:
        if self.question != question.name:
            return False
        if self.has_value:
            return bool(self.value == choice)
        # Same rule as extensions/feature_data.py: a value-less manifest follows a truthy answer.
        return bool(choice) and choice != "none"


def load_manifests(template_dir: Path) -> list[Manifest]:
    manifests = []
    for path in sorted((template_dir / MANIFEST_DIR).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        manifests.append(
            Manifest(
                name=str(data.get("name", path.stem)),
                summary=str(data.get("summary", "")),
                question=data.get("question"),
                value=data.get("value"),
                has_value="value" in data,
            )
        )
    return manifests


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
