"""Reads the questions of copier.yml; the CLI uses them to check and show answers, never to ask."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from shipyard.errors import ShipyardError

TRUE_WORDS = frozenset({"true", "yes", "y", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "off", "0"})


@dataclass(frozen=True)
class Question:
    """One copier question as declared: what the CLI needs to type, check and list answers."""

    name: str
    type: str
    help: str
    default: Any
    choices: tuple[Any, ...]
    has_validator: bool

    def coerce(self, text: str) -> Any:
        """Turn a --data string into the question's type, refusing values outside its choices."""
        value = self._typed(text)
        self.check(value)
        return value

    def check(self, value: Any) -> None:
        """Refuse a value that is not one of the question's choices (when it has any)."""
        if self.choices and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise ShipyardError(f"invalid value {value!r} for {self.name}: choose one of {allowed}")

    def _typed(self, text: str) -> Any:
        if self.type == "bool":
            lowered = text.strip().lower()
            if lowered in TRUE_WORDS:
                return True
            if lowered in FALSE_WORDS:
                return False
            raise ShipyardError(f"invalid value {text!r} for {self.name}: expected true or false")
        if self.type in {"int", "float"}:
            try:
                return int(text) if self.type == "int" else float(text)
            except ValueError:
                raise ShipyardError(
                    f"invalid value {text!r} for {self.name}: expected a number ({self.type})"
                ) from None
        if self.type in {"yaml", "json"}:
            try:
                return json.loads(text) if self.type == "json" else yaml.safe_load(text)
            except (ValueError, yaml.YAMLError):
                raise ShipyardError(
                    f"invalid value {text!r} for {self.name}: not valid {self.type}"
                ) from None
        return text


def load_questions(template_dir: Path) -> dict[str, Question]:
    """The questions of `template_dir/copier.yml`, in declaration order."""
    return {name: _question(name, spec) for name, spec in question_specs(template_dir).items()}


def question_specs(template_dir: Path) -> dict[str, Any]:
    """The questions of `template_dir/copier.yml` as declared (validators included), in order."""
    config_path = next(
        (path for path in (template_dir / "copier.yml", template_dir / "copier.yaml") if path.is_file()),
        None,
    )
    if config_path is None:
        raise ShipyardError(f"{template_dir} is not a Copier template (no copier.yml in it)")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    # Keys starting with "_" are copier settings, not questions.
    return {name: spec for name, spec in config.items() if not name.startswith("_")}


def _question(name: str, spec: Any) -> Question:
    if not isinstance(spec, Mapping):
        # Copier's shorthand `name: default` declares a question by its default alone.
        spec = {"default": spec}
    default = spec.get("default")
    return Question(
        name=name,
        type=str(spec.get("type") or _type_of(default)),
        help=str(spec.get("help") or ""),
        default=default,
        choices=_choice_values(spec.get("choices")),
        has_validator=bool(spec.get("validator")),
    )


def _type_of(default: Any) -> str:
    # Same inference as copier: the default's Python type, else yaml.
    type_name = type(default).__name__
    return type_name if type_name in {"bool", "int", "float", "str"} else "yaml"


def _choice_values(choices: Any) -> tuple[Any, ...]:
    if not choices:
        return ()
    if isinstance(choices, Mapping):  # {label: value}
        return tuple(choices.values())
    values = []
    for choice in choices:
        if isinstance(choice, Mapping):  # {value: ..., disabled: ...} form
            values.append(choice.get("value"))
        elif isinstance(choice, list | tuple) and len(choice) == 2:  # [label, value] form
            values.append(choice[1])
        else:
            values.append(choice)
    return tuple(values)


def parse_assignments(assignments: Iterable[str], questions: Mapping[str, Question]) -> dict[str, Any]:
    """Turn `--data KEY=VALUE` strings into typed answers, refusing unknown keys and bad values."""
    answers: dict[str, Any] = {}
    for assignment in assignments:
        key, separator, text = assignment.partition("=")
        key = key.strip()
        if not separator or not key:
            raise ShipyardError(f"--data expects KEY=VALUE, got {assignment!r}")
        answers[key] = require_question(key, questions, origin="--data").coerce(text)
    return answers


def require_question(key: str, questions: Mapping[str, Question], origin: str) -> Question:
    if key not in questions:
        raise ShipyardError(f"unknown question {key!r} in {origin}; valid keys: {', '.join(questions)}")
    return questions[key]
