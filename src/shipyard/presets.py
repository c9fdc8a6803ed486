"""Presets: named answer sets read from presets.yml, checked against the template's questions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import questionary
import yaml

from shipyard.errors import ShipyardError
from shipyard.questions import Question, require_question


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    answers: Mapping[str, Any] = field(default_factory=dict)


def load_presets() -> dict[str, Preset]:
    """Every preset from the packaged presets.yml, in file order."""
    text = resources.files("shipyard").joinpath("presets.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {
        name: Preset(
            name=name, description=str(body.get("description", "")), answers=body.get("answers") or {}
        )
        for name, body in data.items()
    }


def get_preset(name: str) -> Preset:
    presets = load_presets()
    if name not in presets:
        raise ShipyardError(f"unknown preset {name!r}; choose one of {', '.join(presets)}")
    return presets[name]


def check_preset(preset: Preset, questions: Mapping[str, Question]) -> None:
    """Refuse a preset naming a question the template lacks, or a value outside its choices."""
    for key, value in preset.answers.items():
        require_question(key, questions, origin=f"preset {preset.name!r}").check(value)


# The picker's last entry: no preset, so copier asks every question (features included) itself.
CUSTOM = "custom"
CUSTOM_DESCRIPTION = "No preset: answer every question yourself (database and each feature)"


def ask_for_preset(presets: Mapping[str, Preset]) -> Preset | None:
    """Let the user pick a preset, or None for "custom", with the arrow keys (stdin is a terminal)."""
    if CUSTOM in presets:
        raise ShipyardError(f"presets.yml must not define {CUSTOM!r}: the picker uses it for no preset")
    choices = [
        questionary.Choice(title=f"{p.name:<11} {p.description}", value=p.name) for p in presets.values()
    ]
    choices.append(questionary.Choice(title=f"{CUSTOM:<11} {CUSTOM_DESCRIPTION}", value=CUSTOM))
    picked = questionary.select("Start from which preset?", choices=choices, default="standard").ask()
    if picked is None:  # Ctrl-C or Esc
        raise ShipyardError("aborted: no preset chosen")
    return None if picked == CUSTOM else presets[picked]
