"""Settings: documented defaults, parsing, and refusing unsafe production configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.core.about import about
from app.core.settings import (
    DEVELOPMENT_DATABASE_URL,
    ConfigurationError,
    DatabaseSettings,
    Settings,
)
from tests.support.database import PROJECT_ROOT

SAFE_PRODUCTION = {
    "APP_ENV": "production",
    "APP_SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql+asyncpg://app:secret@db:5432/app",
}


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.load(env_file=None)


def test_defaults_match_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch)
    assert settings.app.env == "development"
    assert (settings.app.host, settings.app.port, settings.app.workers) == ("127.0.0.1", 8000, 1)
    assert settings.app.debug is False
    assert settings.app.shutdown_timeout_seconds == 30
    assert (settings.log.level, settings.log.format) == ("INFO", "auto")
    assert settings.security.cors_origins == []
    assert settings.security.hsts_max_age_seconds == 0
    assert settings.security.max_request_body_bytes == 10 * 1024 * 1024
    assert settings.security.gzip_minimum_size_bytes == 1000
    database = settings.database
    assert (database.pool_size, database.max_overflow) == (20, 0)
    assert (database.pool_timeout_seconds, database.pool_recycle_seconds) == (30, 1800)
    assert database.pool_pre_ping is True
    assert database.statement_timeout_ms == 10000
    assert database.health_timeout_seconds == 2


def test_development_without_database_url_uses_local_sqlite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch)
    assert settings.database.resolved_url == DEVELOPMENT_DATABASE_URL
    assert settings.database.is_sqlite


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        monkeypatch,
        APP_PORT="9000",
        APP_DEBUG="true",
        LOG_LEVEL="debug",
        LOG_FORMAT="JSON",
        CORS_ALLOW_ORIGINS=" https://a.example.com, ,https://b.example.com ",
        DATABASE_POOL_SIZE="3",
    )
    assert settings.app.port == 9000
    assert settings.app.debug is True
    assert (settings.log.level, settings.log.format) == ("DEBUG", "json")
    assert settings.security.cors_origins == ["https://a.example.com", "https://b.example.com"]
    assert settings.database.pool_size == 3


def test_invalid_values_are_reported_by_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, APP_PORT="eighty", DATABASE_POOL_SIZE="0", LOG_LEVEL="LOUD")
    message = str(caught.value)
    for name in ("APP_PORT", "DATABASE_POOL_SIZE", "LOG_LEVEL"):
        assert name in message


def test_safe_production_settings_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, **SAFE_PRODUCTION)
    assert settings.is_production
    assert settings.production_problems() == []


@pytest.mark.parametrize(
    ("unsafe", "named"),
    [
        ({"APP_SECRET_KEY": "change-me"}, "APP_SECRET_KEY"),
        ({"APP_SECRET_KEY": "too-short"}, "APP_SECRET_KEY"),
        ({"APP_DEBUG": "true"}, "APP_DEBUG"),
        ({"CORS_ALLOW_ORIGINS": "https://a.example.com,*"}, "CORS_ALLOW_ORIGINS"),
        ({"DATABASE_URL": "sqlite+aiosqlite:///./var/app.db"}, "DATABASE_URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
    ],
)
def test_production_refuses_each_unsafe_setting(
    monkeypatch: pytest.MonkeyPatch, unsafe: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, **{**SAFE_PRODUCTION, **unsafe})
    message = str(caught.value)
    assert named in message
    assert message.count("\n  - ") == 1, "only the unsafe setting is named"


def test_production_names_every_unsafe_setting_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, APP_ENV="production", APP_DEBUG="1", CORS_ALLOW_ORIGINS="*")
    message = str(caught.value)
    for name in ("APP_SECRET_KEY", "APP_DEBUG", "CORS_ALLOW_ORIGINS", "DATABASE_URL"):
        assert name in message
    assert "postgresql+asyncpg://" in message, "says what to set DATABASE_URL to"


def test_python_dash_m_app_refuses_unsafe_production_without_traceback() -> None:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("APP_", "DATABASE_"))
    }
    env.update(APP_ENV="production")
    result = subprocess.run(
        [sys.executable, "-m", "app"],
        cwd=PROJECT_ROOT / "tests",  # no .env there, whatever the developer keeps at the root
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "APP_SECRET_KEY" in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_settings_classes_list_their_environment_variables() -> None:
    assert DatabaseSettings.env_var_names()[0] == "DATABASE_URL"


def test_version_comes_from_the_installed_package() -> None:
    info = about()
    assert info.version != "0.0.0", "the project is installed (uv sync) so metadata is found"
    assert info.name


def test_version_falls_back_when_the_project_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from importlib import metadata

    from app.core import about as about_module

    monkeypatch.setattr(metadata, "entry_points", lambda **_: [])
    about_module.about.cache_clear()
    try:
        assert about_module.about().version == "0.0.0"
    finally:
        about_module.about.cache_clear()
