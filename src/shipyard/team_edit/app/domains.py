"""Your domains, registered in one place: create_app() mounts ROUTERS, app/models.py reads MODELS.

This file is yours. Copier writes it once, when the project is generated, and never again:
`copier update`, `shipyard upgrade`, `shipyard add` and `shipyard remove` leave it as you made it
(copier.yml lists it in `_skip_if_exists`). app/main.py and app/models.py belong to the template
and change with its releases; register new domains here instead of editing them.

A domain is a package next to app/items/ (router, schemas, models, service) with its tests under
tests/<domain>/. Register it with two imports and two entries:

    from app.orders.models import Order
    from app.orders.router import router as orders_router

    ROUTERS = (items_router, orders_router)
    MODELS = (Item, Order)

Its tables get a migration of their own in migrations/versions/, on a branch off the items
migration as the template's features do (revision = "orders_0001", down_revision = "0001",
branch_labels = ("orders",)), so a template update that adds a feature's migration never reorders
yours; `alembic upgrade heads` applies every branch.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.core.orm import Base
from app.items.models import Item
from app.items.router import router as items_router
from app.orders.models import Order
from app.orders.router import router as orders_router

# Mounted by create_app() in this order, before the optional features are installed.
ROUTERS: tuple[APIRouter, ...] = (items_router, orders_router)
# Imported by app/models.py, so Alembic and the schema test see every table.
MODELS: tuple[type[Base], ...] = (Item, Order)
