"""Assertions of the database outage tests: the 503 a client sees, the line an operator sees."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx


def assert_database_unavailable(response: httpx.Response, elapsed: float, bound: float) -> None:
    """A 503 problem+json with Retry-After, answered within `bound` seconds."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["status"] == 503
    assert "database" in body["detail"]
    assert elapsed < bound, f"answered after {elapsed:.2f} s, more than {bound} s"


def assert_logged_once(lines: Iterable[dict[str, Any]], response: httpx.Response) -> None:
    """Exactly one log line for this failed request, saying why, without a traceback."""
    request_id = response.headers["x-request-id"]
    own = [line for line in lines if line.get("request_id") == request_id]
    assert len(own) == 1, f"{len(own)} log lines for one failed request: {own}"
    assert str(own[0].get("error", "")).startswith("database unavailable"), own[0]
    assert "exception" not in own[0], own[0]
    assert "exc_info" not in own[0], own[0]
