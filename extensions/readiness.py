"""Works out PRODUCTION-READINESS.md's rows for one set of answers, from extensions/readiness.yml.

Each checklist item of the seeds is, for a render: done (its `when` holds; the tests named prove it),
available (the answer in `answer` turns it on) or out of scope (`out_of_scope` says why). A test id
may carry its own `when` (a test file that only some answers render). The generated repo gets the
result as docs/readiness.json, which its readiness test and `shipyard readiness` check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).with_name("readiness.yml")
# libyaml's loader when PyYAML has it (the wheels do): the pure-Python one is several times slower.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    # Parsed once per process: `copier update` renders the old and the new answers from the same file.
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    return data


@lru_cache(maxsize=512)
def _compiled(environment: Any, expression: str) -> Callable[..., Any]:
    # The same `when` recurs across items (`auth != 'none'`); compiling it is the costly part.
    return environment.compile_expression(expression)


def _holds(expression: str | None, answers: dict[str, Any], environment: Any) -> bool:
    if expression is None:
        return True
    return bool(_compiled(environment, expression)(**answers))


def _test_ids(tests: list[Any], answers: dict[str, Any], environment: Any) -> list[str]:
    ids = []
    for test in tests:
        if isinstance(test, str):
            ids.append(test)
        elif _holds(test.get("when"), answers, environment):
            ids.append(test["id"])
    return ids


def _state(item: dict[str, Any], answers: dict[str, Any], environment: Any) -> dict[str, Any]:
    row = {"id": str(item["id"]), "text": item["text"], "tests": [], "answer": "", "reason": ""}
    if "out_of_scope" in item:
        return {**row, "state": "out of scope", "reason": item["out_of_scope"]}
    if _holds(item.get("when"), answers, environment):
        tests = _test_ids(item.get("tests", []), answers, environment)
        if not tests:
            raise ValueError(f"readiness item {item['id']} is done but names no test for these answers")
        return {**row, "state": "done", "tests": tests}
    if "answer" not in item:
        raise ValueError(f"readiness item {item['id']} has a `when` but no `answer` that turns it on")
    return {**row, "state": "available", "answer": item["answer"]}


def build_readiness(
    answers: dict[str, Any], environment: Any, path: Path = DATA_FILE
) -> list[dict[str, Any]]:
    """Seeds, in order, each with its groups of rows for these answers."""
    data = _load(path)
    return [
        {
            "seed": seed["seed"],
            "title": seed["title"],
            "groups": [
                {
                    "name": group["name"],
                    "items": [_state(item, answers, environment) for item in group["items"]],
                }
                for group in seed["groups"]
            ],
        }
        for seed in data["seeds"]
    ]
