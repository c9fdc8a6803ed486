"""Logging: JSON in production, console in development, level from LOG_LEVEL, secrets redacted."""

from __future__ import annotations

import io
import json
import logging

import pytest

from app.core.logging import REDACTED, configure_logging, get_logger, redact_sensitive
from tests.conftest import MakeSettings


@pytest.fixture(autouse=True)
def _restore_logging(make_settings: MakeSettings):
    yield
    # Later tests expect the suite's usual configuration, not this module's stream.
    configure_logging(make_settings())


def test_redaction_covers_sensitive_keys_at_any_depth() -> None:
    event = redact_sensitive(
        None,
        "info",
        {
            "event": "login",
            "Password": "hunter2",
            "user": {"EMAIL": "a@example.com", "name": "Ada", "tokens": ["t1"]},
            "headers": [{"Authorization": "Bearer x", "accept": "json"}],
            "session_cookie": "c",
            "client_secret": "s",
            "x_api_key": "k",
        },
    )
    assert event == {
        "event": "login",
        "Password": REDACTED,
        "user": {"EMAIL": REDACTED, "name": "Ada", "tokens": REDACTED},
        "headers": [{"Authorization": REDACTED, "accept": "json"}],
        "session_cookie": REDACTED,
        "client_secret": REDACTED,
        "x_api_key": REDACTED,
    }


def test_production_logs_one_json_object_per_line(make_settings: MakeSettings) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(APP_ENV="test", LOG_FORMAT="json"), stream=stream)
    get_logger("test").info("payment", amount=3, card={"token": "tok_123"})
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["event"] == "payment"
    assert record["amount"] == 3
    assert record["card"] == {"token": REDACTED}
    assert record["level"] == "info"
    assert "timestamp" in record


def test_auto_format_is_json_only_in_production(make_settings: MakeSettings) -> None:
    settings = make_settings(LOG_FORMAT="auto")
    stream = io.StringIO()
    configure_logging(settings, stream=stream)
    get_logger("test").info("hello", password="p")
    line = stream.getvalue().strip()
    assert not line.startswith("{"), "development output is for humans"
    assert "hello" in line
    assert REDACTED in line
    assert "='p'" not in line


def test_stdlib_loggers_share_the_format_and_level(make_settings: MakeSettings) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(LOG_LEVEL="WARNING"), stream=stream)
    logging.getLogger("uvicorn.error").info("hidden")
    logging.getLogger("uvicorn.error").warning("shown")
    get_logger("test").info("hidden too")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["shown"]


def test_exceptions_are_logged_with_their_stack(make_settings: MakeSettings) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(), stream=stream)
    try:
        raise RuntimeError("kaput")
    except RuntimeError:
        get_logger("test").exception("failed")
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert "Traceback" in record["exception"]
    assert "kaput" in record["exception"]


def test_app_debug_logs_everything(make_settings: MakeSettings) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(APP_DEBUG="true", LOG_LEVEL="ERROR"), stream=stream)
    get_logger("test").debug("details")
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert "details" in events
