"""Every ORM model of the service, imported so Base.metadata is complete for Alembic.

A feature's tables live in its package, in `models.py` or modules named `*_models.py`; they are
imported here by discovery, so adding a feature never edits this file.
"""

import importlib
import pkgutil

import app.features
from app.core.orm import Base
from app.items.models import Item


def _import_feature_models() -> None:
    for feature in pkgutil.iter_modules(app.features.__path__):
        if not feature.ispkg:
            continue
        package = importlib.import_module(f"app.features.{feature.name}")
        for module in pkgutil.iter_modules(package.__path__):
            if module.name == "models" or module.name.endswith("_models"):
                importlib.import_module(f"{package.__name__}.{module.name}")


_import_feature_models()

__all__ = ["Base", "Item"]
