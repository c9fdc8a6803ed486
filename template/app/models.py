"""Every ORM model of the service, imported so Base.metadata is complete for Alembic.

The team's models come from app/domains.py (MODELS), the file your team owns: register new ones
there. A feature's tables live in its package, in `models.py` or modules named `*_models.py`; they
are found here by discovery, so adding a feature never edits this file.
"""

import importlib
import pkgutil

from app.core.features import feature_package_names
from app.core.orm import Base
from app.domains import MODELS
from app.items.models import Item


def _import_feature_models() -> None:
    for package_name in feature_package_names():
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name == "models" or module.name.endswith("_models"):
                importlib.import_module(f"{package_name}.{module.name}")


_import_feature_models()

__all__ = ["MODELS", "Base", "Item"]
