"""copier.yml's `when:` conditions and validators, evaluated for a set of answers outside copier.

The matrix plans combinations and the tests check copier.yml's dependencies with these; copier itself
stays the judge when rendering. Rendering uses the filters copier's own Jinja environment offers.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from copier._tools import cast_to_bool  # copier's own reading of a rendered `when:` as a bool
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment


@cache
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


def is_asked(spec: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether copier asks (and records) the question for these earlier answers (its `when:`)."""
    condition = spec.get("when", True)
    if isinstance(condition, bool):
        return condition
    return bool(cast_to_bool(environment().from_string(str(condition)).render(**answers)))


def refusal(spec: Mapping[str, Any], answers: Mapping[str, Any]) -> str | None:
    """The question's validator message for these answers, or None when it accepts them."""
    validator = spec.get("validator")
    if not validator:
        return None
    message = environment().from_string(str(validator)).render(**answers).strip()
    return message or None


def referenced_questions(name: str, spec: Mapping[str, Any], questions: Mapping[str, Any]) -> set[str]:
    """The other questions a question's validator or `when:` reads: its dependencies."""
    names: set[str] = set()
    for key in ("validator", "when"):
        text = spec.get(key)
        if isinstance(text, str):
            names |= meta.find_undeclared_variables(environment().parse(text))
    return {other for other in names if other in questions and other != name}
