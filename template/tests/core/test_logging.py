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


def test_a_logger_used_before_reconfiguring_writes_where_the_new_configuration_says(
    make_settings: MakeSettings,
) -> None:
    # Module loggers are created at import and cached on first use, long before a reconfiguration.
    logger = get_logger("test.cached")
    first, second = io.StringIO(), io.StringIO()
    configure_logging(make_settings(LOG_FORMAT="json"), stream=first)
    logger.info("before")
    configure_logging(make_settings(LOG_FORMAT="console"), stream=second)
    logger.info("after")
    assert json.loads(first.getvalue())["event"] == "before"
    assert "after" in second.getvalue()
    assert not second.getvalue().startswith("{"), "the new renderer applies too"


def test_a_level_set_on_one_stdlib_logger_applies_to_our_logger_of_that_name(
    make_settings: MakeSettings,
) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(LOG_FORMAT="json"), stream=stream)
    quiet = logging.getLogger("test.quiet")
    quiet.setLevel(logging.ERROR)
    try:
        get_logger("test.quiet").warning("hidden")
        get_logger("test.quiet").error("shown")
        get_logger("test.other").warning("also shown")
    finally:
        quiet.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["logger"], line["event"]) for line in lines] == [
        ("test.quiet", "shown"),
        ("test.other", "also shown"),
    ]


def test_an_exception_is_logged_with_its_traceback(make_settings: MakeSettings) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(LOG_FORMAT="json"), stream=stream)
    try:
        raise ValueError("boom")
    except ValueError:
        get_logger("test").exception("failed", password="p")
    record = json.loads(stream.getvalue())
    assert record["level"] == "error"
    assert "ValueError: boom" in record["exception"]
    assert record["password"] == REDACTED


def test_a_closed_log_stream_does_not_fail_the_caller(
    make_settings: MakeSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = io.StringIO()
    configure_logging(make_settings(LOG_FORMAT="json"), stream=stream)
    stream.close()
    get_logger("test").info("lost", detail="the stream is gone")
    # Reported the way stdlib logging reports a failing handler, on stderr.
    assert "Logging error" in capsys.readouterr().err
