"""Finds optional features (packages under app/features/) and installs them in INSTALL_ORDER."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from fastapi import FastAPI

from app.core.logging import get_logger

logger = get_logger("app.features")
FEATURES_PACKAGE = "app.features"


class FeatureError(Exception):
    """A package under the features package does not follow the feature recipe."""


def feature_package_names(package: str | None = None) -> list[str]:
    """The full names of the sub-packages of `package` (the features present), not imported."""
    package_name = package or FEATURES_PACKAGE
    root = importlib.import_module(package_name)
    return [
        f"{package_name}.{info.name}" for info in pkgutil.iter_modules(root.__path__) if info.ispkg
    ]


def discover_features(package: str | None = None) -> list[ModuleType]:
    """Every sub-package of `package`, sorted by its INSTALL_ORDER (then name, for stable ties)."""
    modules = [importlib.import_module(name) for name in feature_package_names(package)]
    for module in modules:
        if not isinstance(getattr(module, "INSTALL_ORDER", None), int):
            raise FeatureError(f"feature {module.__name__} needs a module-level INSTALL_ORDER: int")
        if not callable(getattr(module, "install", None)):
            raise FeatureError(f"feature {module.__name__} needs install(app: FastAPI) -> None")
    return sorted(modules, key=lambda module: (module.INSTALL_ORDER, module.__name__))


def install_features(app: FastAPI, package: str | None = None) -> list[str]:
    """Install every discovered feature into `app`; returns their names in install order."""
    installed = []
    for module in discover_features(package):
        module.install(app)
        name = module.__name__.rpartition(".")[2]
        installed.append(name)
        logger.debug("feature installed", feature=name, install_order=module.INSTALL_ORDER)
    return installed
