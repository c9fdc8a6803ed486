"""Reading copier.yml and typing --data answers from each question's declared type and choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard.errors import ShipyardError
from shipyard.questions import Question, load_questions, parse_assignments


def test_copier_yml_questions_are_read_in_order(questions: dict[str, Question]) -> None:
    assert list(questions)[:2] == ["project_name", "project_slug"]
    assert not any(name.startswith("_") for name in questions)
    assert questions["database"].choices == ("postgresql", "sqlite")
    assert questions["python_version"].choices == ("3.11", "3.12", "3.13")
    assert questions["project_slug"].has_validator


def test_other_question_shapes_are_understood(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        "_subdirectory: template\n"
        "replicas: 3\n"
        "metrics: {type: bool, default: false, help: Prometheus metrics}\n"
        "ratio: {type: float, default: 0.5}\n"
        "tier: {type: str, choices: [[Small, s], [Large, l]], default: s}\n"
        "extras: {type: yaml, default: []}\n"
    )

    questions = load_questions(tmp_path)

    assert list(questions) == ["replicas", "metrics", "ratio", "tier", "extras"]
    assert questions["replicas"].type == "int"
    assert questions["tier"].choices == ("s", "l")
    answers = parse_assignments(
        ["replicas=5", "metrics=yes", "ratio=0.25", "tier=l", "extras=[a, b]"], questions
    )
    assert answers == {"replicas": 5, "metrics": True, "ratio": 0.25, "tier": "l", "extras": ["a", "b"]}


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("replicas=many", "expected a number"),
        ("metrics=maybe", "expected true or false"),
        ("tier=m", "choose one of s, l"),
        ("extras=[unclosed", "not valid yaml"),
    ],
)
def test_badly_typed_answers_are_refused(assignment: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        "replicas: 3\nmetrics: false\n"
        "tier: {choices: [s, l], default: s}\nextras: {type: yaml, default: []}\n"
    )

    with pytest.raises(ShipyardError, match=message):
        parse_assignments([assignment], load_questions(tmp_path))


def test_value_may_contain_equals_signs(questions: dict[str, Question]) -> None:
    assert parse_assignments(["description=a=b"], questions) == {"description": "a=b"}


def test_error_messages_are_one_line() -> None:
    assert ShipyardError("first\n  second").message == "first second"
