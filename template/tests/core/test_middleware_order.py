"""docs/architecture.md lists the middleware stack in the order the app really builds it.

The list there is rendered for this service's answers; these tests build the app, walk the stack
it serves with (outermost first) and compare it, layer by layer, with the documented one: with
every optional layer turned on, and with every one turned off. Layers FastAPI adds of its own
beyond Starlette's two (they change between FastAPI releases) are left out of the comparison;
every layer the app adds, and every documented one, is in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from app.main import create_app
from tests.conftest import MakeSettings

ARCHITECTURE_DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
SECTION = "## The path of a request"
# "3. **Title** (`ClassName`, only when `VAR` is set): ..." or "(`ClassName`, off with `VAR=false`)"
LAYER = re.compile(
    r"^\d+\. \*\*[^*]+\*\* \(`(?P<cls>\w+)`"
    r"(?:, only when `(?P<when_set>\w+)` is set|, off with `(?P<off_with>\w+)=false`|, [^)]*)?\)"
)
NUMBERED = re.compile(r"^\d+\. ")
# A value that turns on each layer documented as "only when `VAR` is set".
SAMPLE_VALUES = {
    "APP_TRUSTED_PROXIES": "10.0.0.0/8",
    "CORS_ALLOW_ORIGINS": "https://app.example.com",
}


@dataclass(frozen=True)
class Layer:
    cls: str
    when_set: str | None  # present only when this variable is set
    off_with: str | None  # absent when this variable is false


def documented_layers() -> list[Layer]:
    """The numbered list of the request-path section, outermost first."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"{ARCHITECTURE_DOC} has no '{SECTION}' section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    layers = []
    for line in section.splitlines():
        if not NUMBERED.match(line):
            continue
        match = LAYER.match(line)
        assert match, f"a layer of the list names no class as (`ClassName`...): {line!r}"
        layers.append(Layer(match["cls"], match["when_set"], match["off_with"]))
    assert layers, f"no numbered middleware list under '{SECTION}' in {ARCHITECTURE_DOC}"
    return layers


def served_stack(app: FastAPI, documented: set[str]) -> list[str]:
    """The class of each layer a request passes through before the router, outermost first:
    the documented ones and those the app added (framework-internal extras are skipped)."""
    added = {getattr(entry.cls, "__name__", str(entry.cls)) for entry in app.user_middleware}
    layer: Any = app.build_middleware_stack()
    names = []
    while layer is not app.router:
        name = type(layer).__name__
        if name in documented or name in added:
            names.append(name)
        assert hasattr(layer, "app"), f"{name} keeps the next layer elsewhere"
        layer = layer.app
    return names


def expected(layers: list[Layer], everything_on: bool) -> list[str]:
    if everything_on:
        return [layer.cls for layer in layers]
    return [layer.cls for layer in layers if layer.when_set is None and layer.off_with is None]


def environment(layers: list[Layer], everything_on: bool) -> dict[str, str]:
    env = {}
    for layer in layers:
        if layer.when_set is not None and everything_on:
            assert layer.when_set in SAMPLE_VALUES, f"add a sample value for {layer.when_set}"
            env[layer.when_set] = SAMPLE_VALUES[layer.when_set]
        if layer.off_with is not None:
            env[layer.off_with] = "true" if everything_on else "false"
    return env


def test_the_documented_stack_names_each_class_once() -> None:
    classes = [layer.cls for layer in documented_layers()]
    assert len(classes) == len(set(classes)), classes


@pytest.mark.parametrize("everything_on", [True, False], ids=["all-layers-on", "all-optional-off"])
def test_the_documented_stack_is_the_served_one(
    make_settings: MakeSettings, everything_on: bool
) -> None:
    layers = documented_layers()
    app = create_app(make_settings(**environment(layers, everything_on)))
    documented = {layer.cls for layer in layers}
    assert served_stack(app, documented) == expected(layers, everything_on), (
        "docs/architecture.md ('The path of a request') and the app's middleware disagree; "
        "update the list (outermost first) or the code that adds the middleware"
    )
