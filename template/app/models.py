"""Every ORM model of the service, imported so Base.metadata is complete for Alembic.

The models come from app/domains.py (MODELS), the file your team owns; register new ones there.
"""

from app.core.orm import Base
from app.domains import MODELS
from app.items.models import Item

__all__ = ["MODELS", "Base", "Item"]
