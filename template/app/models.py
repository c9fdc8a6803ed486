"""Every ORM model of the service, imported so Base.metadata is complete for Alembic."""

import importlib
import importlib.util

from app.core.features import feature_package_names
from app.core.orm import Base
from app.items.models import Item

# A feature with tables keeps its models in app/features/<name>/models.py; importing them here
# puts them in Base.metadata for Alembic and the schema checks without naming the feature.
for _feature in feature_package_names():
    if importlib.util.find_spec(f"{_feature}.models") is not None:
        importlib.import_module(f"{_feature}.models")

__all__ = ["Base", "Item"]
