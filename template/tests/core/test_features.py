"""Feature discovery: packages under the features package install in INSTALL_ORDER."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi import FastAPI

import app.core.features
from app.core.features import FeatureError, discover_features, install_features
from app.main import create_app
from tests.conftest import MakeSettings

FEATURE_SOURCE = """\
from fastapi import FastAPI

INSTALL_ORDER = {order}


def install(app: FastAPI) -> None:
    app.state.installed = [*getattr(app.state, "installed", []), "{name}"]
    app.add_api_route("/{name}", lambda: {{"feature": "{name}"}})
"""


@pytest.fixture
def features_package(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An empty, importable features package in tmp_path; features are added per test."""
    name = f"fake_features_{uuid4().hex}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text('"""Fake features for a test."""\n')
    sys.path.insert(0, str(tmp_path))
    try:
        yield name, root
    finally:
        sys.path.remove(str(tmp_path))
        for module in [module for module in sys.modules if module.startswith(name)]:
            del sys.modules[module]


def add_feature(root: Path, name: str, source: str) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text(textwrap.dedent(source))


def test_features_install_in_install_order(features_package: tuple[str, Path]) -> None:
    package, root = features_package
    add_feature(root, "alpha", FEATURE_SOURCE.format(order=20, name="alpha"))
    add_feature(root, "beta", FEATURE_SOURCE.format(order=10, name="beta"))
    add_feature(root, "gamma", FEATURE_SOURCE.format(order=10, name="gamma"))
    (root / "not_a_feature.py").write_text("")  # plain modules are not features

    app = FastAPI()
    installed = install_features(app, package)

    assert installed == ["beta", "gamma", "alpha"], "by INSTALL_ORDER, then by name"
    assert app.state.installed == ["beta", "gamma", "alpha"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def install(app): pass\n", "INSTALL_ORDER"),
        ("INSTALL_ORDER = '1'\ndef install(app): pass\n", "INSTALL_ORDER"),
        ("INSTALL_ORDER = 1\n", "install(app: FastAPI)"),
    ],
)
def test_malformed_feature_is_named(
    features_package: tuple[str, Path], source: str, message: str
) -> None:
    package, root = features_package
    add_feature(root, "broken", source)
    with pytest.raises(FeatureError, match="broken") as caught:
        discover_features(package)
    assert message in str(caught.value)


def test_create_app_installs_discovered_features(
    features_package: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    make_settings: MakeSettings,
) -> None:
    package, root = features_package
    add_feature(root, "extra", FEATURE_SOURCE.format(order=50, name="extra"))
    monkeypatch.setattr(app.core.features, "FEATURES_PACKAGE", package)

    service = create_app(make_settings())

    assert service.state.installed == ["extra"]
    assert "/extra" in {getattr(route, "path", None) for route in service.routes}


def test_the_real_features_package_is_discoverable() -> None:
    # Whatever features this project enabled, each follows the recipe.
    for module in discover_features():
        assert isinstance(module.INSTALL_ORDER, int)
