"""Finds every settings class of the service (core and features) and the variables they read."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import app
from app.core.settings import ServiceSettings


def _subclasses(base: type[ServiceSettings]) -> list[type[ServiceSettings]]:
    found = []
    for subclass in base.__subclasses__():
        if subclass.__module__.split(".")[0] == app.__name__:
            found.append(subclass)
        found += _subclasses(subclass)
    return found


@cache
def all_env_var_names() -> tuple[str, ...]:
    """Every environment variable some settings class under app/ reads."""
    for module in pkgutil.walk_packages(app.__path__, prefix=f"{app.__name__}."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return tuple(name for cls in _subclasses(ServiceSettings) for name in cls.env_var_names())
