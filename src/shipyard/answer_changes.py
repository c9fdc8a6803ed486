"""What `shipyard add` and `shipyard remove` change in a project's answers, judged by copier.yml alone.

`add cache` / `add rate_limit=redis` / `remove metrics` become answers; the new set is checked with
copier.yml's own `when:` conditions and validators (answer_rules), so a refused answer stops with
copier.yml's message before anything is rendered, and removing a feature another one needs names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shipyard.answer_rules import referenced_questions, refusal
from shipyard.errors import ShipyardError
from shipyard.questions import Question, require_question

OFF_VALUES = (False, "none")


def off_value(question: Question) -> Any:
    """The answer that leaves a feature out: false for a yes/no question, `none` for a choice."""
    if question.type == "bool":
        return False
    if "none" in question.choices:
        return "none"
    raise ShipyardError(
        f"{question.name} cannot be removed (it has no 'none' answer); change it with "
        f"shipyard add {question.name}=VALUE"
    )


def on_value(question: Question) -> Any:
    """What `add NAME` without a value means: true, or the one choice that is not `none`."""
    if question.type == "bool":
        return True
    options = [choice for choice in question.choices if choice not in OFF_VALUES]
    if len(options) == 1:
        return options[0]
    raise ShipyardError(
        f"add {question.name} needs a value: shipyard add {question.name}=VALUE with VALUE one of "
        f"{', '.join(str(option) for option in options)}"
    )


def additions(features: Iterable[str], questions: Mapping[str, Question]) -> dict[str, Any]:
    """`FEATURE` or `FEATURE=VALUE` words as typed answers (refusing unknown names and bad values)."""
    changes: dict[str, Any] = {}
    for word in features:
        name, separator, text = word.partition("=")
        question = require_question(name.strip(), questions, origin="add")
        changes[question.name] = question.coerce(text) if separator else on_value(question)
    return changes


def removals(features: Iterable[str], questions: Mapping[str, Question]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for word in features:
        if "=" in word:
            raise ShipyardError(f"remove takes feature names only, got {word!r}; use shipyard add NAME=VALUE")
        question = require_question(word.strip(), questions, origin="remove")
        changes[question.name] = off_value(question)
    return changes


def effective_answers(
    current: Mapping[str, Any], changes: Mapping[str, Any], questions: Mapping[str, Question]
) -> dict[str, Any]:
    """Every question's answer after the change: recorded answers, the change, then defaults."""
    answers = {name: question.default for name, question in questions.items()}
    answers.update({name: value for name, value in current.items() if name in questions})
    answers.update(changes)
    return answers


def check_answers(
    specs: Mapping[str, Any],
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    questions: Mapping[str, Question],
) -> dict[str, Any]:
    """Refuse what copier.yml refuses, with its message; return the answers to hand to copier.

    Every validator is run, asked or not: copier would silently drop a recorded answer whose `when:`
    turned false (monitoring after metrics is removed), so a removal that leaves another feature
    without what it needs is refused, naming it and how to remove both.
    """
    answers = effective_answers(current, changes, questions)
    for name, spec in specs.items():
        if not isinstance(spec, Mapping):
            continue
        message = refusal(spec, answers)
        if message is None:
            continue
        needed = sorted(referenced_questions(name, spec, specs) & set(changes))
        if name not in changes and needed and all(changes[other] in OFF_VALUES for other in needed):
            raise ShipyardError(
                f"cannot remove {', '.join(needed)}: {name} needs it ({message}); remove {name} too: "
                f"shipyard remove {' '.join([*needed, name])}"
            )
        raise ShipyardError(message)
    return dict(changes)


def changed_features(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes that differ from what the project already answers."""
    return {name: value for name, value in changes.items() if current.get(name) != value}
