"""Every answer copier.yml validates is refused with its message, and good answers are accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

from shipyard.questions import Question
from support.refusals import REFUSING, RULE_COLUMNS, rule_of


def copy_with(template_snapshot: Path, destination: Path, answers: dict[str, Any]) -> None:
    # pretend: validate and plan the render without writing anything.
    run_copy(
        str(template_snapshot),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        pretend=True,
        quiet=True,
    )


REFUSED = [
    pytest.param("project_name", "", "project_name must not be empty", id="name-empty"),
    pytest.param("project_name", "   ", "project_name must not be empty", id="name-blank"),
    *(
        pytest.param(
            "project_slug", slug, "project_slug must be a-z, 0-9 and single hyphens", id=f"slug-{label}"
        )
        for label, slug in [
            ("empty", ""),
            ("uppercase", "Orders"),
            ("underscore", "orders_api"),
            ("leading-digit", "1orders"),
            ("leading-hyphen", "-orders"),
            ("trailing-hyphen", "orders-"),
            ("double-hyphen", "orders--api"),
            ("space", "orders api"),
            ("dot", "orders.api"),
        ]
    ),
    *(
        pytest.param("author_email", email, "author_email must be an e-mail address", id=f"email-{label}")
        for label, email in [
            ("empty", ""),
            ("no-at", "team.example.com"),
            ("no-domain-dot", "team@example"),
            ("no-local-part", "@example.com"),
            ("space", "te am@example.com"),
            ("two-ats", "team@@example.com"),
        ]
    ),
    pytest.param("python_version", "3.10", "Invalid choice for 'python_version'", id="python-3.10"),
    pytest.param("python_version", "3", "Invalid choice for 'python_version'", id="python-3"),
    pytest.param("database", "mysql", "Invalid choice for 'database'", id="database-mysql"),
    pytest.param("database", "PostgreSQL", "Invalid choice for 'database'", id="database-case"),
]


@pytest.mark.parametrize(("question", "answer", "message"), REFUSED)
def test_invalid_answer_is_refused_with_its_message(
    question: str, answer: str, message: str, template_snapshot: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "service"

    with pytest.raises(ValueError, match=message) as refused:
        copy_with(template_snapshot, destination, {question: answer})

    assert question in str(refused.value)
    assert not destination.exists()


def test_every_validator_has_a_refused_answer_below(questions: dict[str, Question]) -> None:
    assert {name for name, question in questions.items() if question.has_validator} == set(REFUSING)


@pytest.mark.parametrize("question", list(REFUSING))
def test_validator_message_states_the_rule_in_its_first_70_characters(
    question: str, template_snapshot: Path, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=f"Validation error for question '{question}'") as refused:
        copy_with(template_snapshot, tmp_path / "service", REFUSING[question])
    message = str(refused.value).removeprefix(f"Validation error for question '{question}': ")

    rule = rule_of(question, message)

    assert len(rule) <= RULE_COLUMNS, f"{len(rule)} columns before the first '; ': {rule!r}"
    assert "\n" not in message


ACCEPTED = [
    ("project_name", "Orders API"),
    ("project_slug", "orders"),
    ("project_slug", "orders-api"),
    ("project_slug", "a1-b2-c3"),
    ("author_email", "team@example.com"),
    ("author_email", "first.last+tag@mail.example.co.uk"),
    ("python_version", "3.11"),
    ("python_version", "3.12"),
    ("python_version", "3.13"),
    ("database", "postgresql"),
    ("database", "sqlite"),
]


@pytest.mark.parametrize(("question", "answer"), ACCEPTED)
def test_valid_answer_is_accepted(
    question: str, answer: str, template_snapshot: Path, tmp_path: Path
) -> None:
    copy_with(template_snapshot, tmp_path / "service", {question: answer})


@pytest.mark.parametrize(
    ("project_name", "expected_slug"),
    [("Demo Service", "demo-service"), ("  Orders API v2 ", "orders-api-v2"), ("Orders_API", "orders-api")],
)
def test_slug_default_is_derived_from_the_name(
    project_name: str, expected_slug: str, template_snapshot: Path, tmp_path: Path
) -> None:
    worker = run_copy(
        str(template_snapshot),
        tmp_path / "service",
        data={"project_name": project_name},
        defaults=True,
        unsafe=True,
        pretend=True,
        quiet=True,
    )

    assert worker.answers.combined["project_slug"] == expected_slug
