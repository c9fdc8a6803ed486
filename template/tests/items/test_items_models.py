"""Column types of the items table: exact money and UTC timestamps on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.dialects import sqlite

from app.core.orm import UTCDateTime
from app.items.models import Money

DIALECT = sqlite.dialect()


def test_money_is_stored_as_integer_cents() -> None:
    money = Money()
    assert money.process_bind_param(Decimal("12.34"), DIALECT) == 1234
    assert money.process_result_value(1234, DIALECT) == Decimal("12.34")
    assert money.process_bind_param(None, DIALECT) is None
    assert money.process_result_value(None, DIALECT) is None


def test_timestamps_are_stored_and_read_as_utc() -> None:
    column = UTCDateTime()
    plus_two = timezone(timedelta(hours=2))
    stored = column.process_bind_param(datetime(2030, 1, 1, 12, tzinfo=plus_two), DIALECT)
    assert stored == datetime(2030, 1, 1, 10, tzinfo=UTC)
    naive_from_sqlite = datetime(2030, 1, 1, 10)
    assert column.process_result_value(naive_from_sqlite, DIALECT) == stored
    assert column.process_result_value(stored, DIALECT) == stored
    assert column.process_bind_param(None, DIALECT) is None
    assert column.process_result_value(None, DIALECT) is None
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(naive_from_sqlite, DIALECT)
