"""Settings: documented defaults, parsing, and refusing unsafe production configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.core.about import about
from app.core.features import feature_package_names
from app.core.settings import (
    DEVELOPMENT_DATABASE_URL,
    ConfigurationError,
    DatabaseSettings,
    Settings,
)
from tests.support.entry_point import (
    CONSOLE_SCRIPT,
    PYTHON_M_APP,
    UVICORN_FACTORY,
    call_main,
    lines_naming,
    malformed_settings,
    run_all,
)

MALFORMED = malformed_settings()

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
    assert len(caught.value.problems) == 1, "only the unsafe setting is named"
    assert caught.value.problems[0].startswith(named)


def test_production_names_every_unsafe_setting_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, APP_ENV="production", APP_DEBUG="1", CORS_ALLOW_ORIGINS="*")
    message = str(caught.value)
    for name in ("APP_SECRET_KEY", "APP_DEBUG", "CORS_ALLOW_ORIGINS", "DATABASE_URL"):
        assert name in message
    assert "postgresql+asyncpg://" in message, "says what to set DATABASE_URL to"


@pytest.mark.fault
def test_python_dash_m_app_refuses_unsafe_production_without_traceback(
    entry_points: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = entry_points["production"]
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert lines_naming(result.stderr, "APP_SECRET_KEY")
    assert lines_naming(result.stderr, "DATABASE_URL")


def test_every_typed_variable_has_a_malformed_value() -> None:
    # Guards the tests below against passing vacuously: core and feature variables are there.
    assert {"APP_PORT", "LOG_LEVEL", "DATABASE_POOL_SIZE"} <= set(MALFORMED)
    for feature in feature_package_names():
        prefix = feature.rpartition(".")[2].upper() + "_"
        assert any(name.startswith(prefix) for name in MALFORMED), f"no {prefix}* variable"


@pytest.mark.parametrize(("variable", "value"), sorted(MALFORMED.items()))
def test_a_malformed_variable_stops_the_start_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    variable: str,
    value: str,
) -> None:
    code, stderr = call_main(monkeypatch, capsys, tmp_path, **{variable: value})
    assert code == 2
    assert stderr.count("\n") == 1, f"one line, about {variable} only:\n{stderr}"
    assert lines_naming(stderr, variable), stderr
    assert "; set " in stderr, f"says what to set:\n{stderr}"


@pytest.fixture(scope="module")
def entry_points() -> dict[str, subprocess.CompletedProcess[str]]:
    """Each way of starting the service, run once (at the same time): the tests read the results."""
    return run_all(
        {
            "all malformed": (PYTHON_M_APP, MALFORMED),
            **{
                " ".join(command): (command, {"APP_PORT": "abc", "DATABASE_URL": "nonsense"})
                for command in (CONSOLE_SCRIPT, UVICORN_FACTORY)
            },
            "check-config": ((*PYTHON_M_APP, "check-config"), {}),
            "production": (PYTHON_M_APP, {"APP_ENV": "production"}),
        }
    )


@pytest.mark.fault
def test_every_malformed_variable_is_reported_at_once(
    entry_points: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = entry_points["all malformed"]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(MALFORMED), "one line per variable, nothing else"
    for variable in MALFORMED:
        assert len(lines_naming(result.stderr, variable)) == 1, f"{variable}:\n{result.stderr}"


@pytest.mark.parametrize("command", [CONSOLE_SCRIPT, UVICORN_FACTORY], ids=["app", "uvicorn"])
@pytest.mark.fault
def test_the_other_entry_points_refuse_bad_settings_the_same_way(
    entry_points: dict[str, subprocess.CompletedProcess[str]], command: tuple[str, ...]
) -> None:
    result = entry_points[" ".join(command)]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 2, result.stderr
    assert "not a whole number" in lines_naming(result.stderr, "APP_PORT")[0]
    assert "not a database URL" in lines_naming(result.stderr, "DATABASE_URL")[0]


@pytest.mark.fault
def test_check_config_accepts_the_defaults_and_names_every_feature(
    entry_points: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = entry_points["check-config"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("configuration OK"), result.stdout
    for feature in feature_package_names():
        assert feature.rpartition(".")[2] in result.stdout


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("nonsense", "not a database URL"),
        ("postgresql://app:secret@db/app", "not asyncio-capable"),
        ("nosuchdb+driver://db/app", "does not know"),
    ],
)
def test_database_url_must_be_one_the_service_can_use(
    monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, DATABASE_URL=value)
    [line] = caught.value.problems
    assert line.startswith("DATABASE_URL")
    assert problem in line
    assert "secret" not in line, "a password in the URL is not echoed"


def test_values_of_secrets_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, APP_ENV="production", APP_SECRET_KEY="hunter2")
    assert "hunter2" not in str(caught.value)


def test_long_values_are_shortened_to_keep_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load(monkeypatch, LOG_LEVEL="X" * 500 + "\nsecond line")
    [line] = caught.value.problems
    assert "\n" not in line
    assert len(line) < 300


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
