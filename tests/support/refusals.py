"""One refused set of answers per validator in copier.yml, shared by the validator and CLI tests."""

from __future__ import annotations

import re
from typing import Any

# A validator added to copier.yml without an entry here fails tests/test_answer_validation.py.
REFUSING: dict[str, dict[str, Any]] = {
    "project_name": {"project_name": " "},
    "project_slug": {"project_slug": "Orders_API"},
    "author_email": {"author_email": "team.example.com"},
    "monitoring": {"metrics": False, "monitoring": True},
    "backups": {"database": "sqlite", "backups": True},
}

# Terminals show 70 columns of a line for sure; the CLI prints "error: " before the message.
RULE_COLUMNS = 70 - len("error: ")


def rule_of(question: str, message: str) -> str:
    """The rule a validator message states first: "<question> must/needs ...", up to the first "; "."""
    assert re.match(rf"{question} (must|needs) ", message), f"does not start with its rule: {message!r}"
    return message.split("; ", maxsplit=1)[0]
