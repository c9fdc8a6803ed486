"""Every ORM model of the service, imported so Base.metadata is complete for Alembic."""

from app.core.orm import Base
from app.items.models import Item

__all__ = ["Base", "Item"]
