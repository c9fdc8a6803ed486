"""Typed configuration read from environment variables (and .env), with production safety checks."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me"  # noqa: S105 - the placeholder that production refuses
MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_DATABASE_URL = "sqlite+aiosqlite:///./var/app.db"
DATABASE_URL_EXAMPLE = "postgresql+asyncpg://user:password@db-host:5432/dbname"

Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveFloat = Annotated[float, Field(gt=0)]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Comma-separated IPs and CIDRs as networks (a bare IP is a /32 or /128)."""
    networks = []
    for part in (part.strip() for part in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"{part!r} is not an IP address or CIDR network, e.g. 10.0.0.5 or 10.0.0.0/8"
            ) from None
    return networks


class ServiceSettings(BaseSettings):
    """Base of every settings class; configuration checks find them all via __subclasses__."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    @classmethod
    def env_var_name(cls, field_name: str) -> str:
        """The variable pydantic-settings reads for a field: its alias, else prefix + name."""
        field = cls.model_fields[field_name]
        alias = field.validation_alias if field.validation_alias is not None else field.alias
        if isinstance(alias, AliasChoices):
            alias = alias.choices[0]  # the documented name; later ones are accepted too
        if isinstance(alias, AliasPath):
            alias = str(alias.path[0])
        if isinstance(alias, str):
            return alias.upper()
        return f"{cls.model_config.get('env_prefix', '')}{field_name}".upper()

    @classmethod
    def env_var_names(cls) -> list[str]:
        """The environment variables this class reads, in declaration order."""
        return [cls.env_var_name(name) for name in cls.model_fields]

    def check_with_core(self, core: Settings) -> list[str]:
        """Problems that show only next to the core settings (e.g. APP_WORKERS), one line each.

        Each line starts with the variable to change and says what to set. Checked at startup
        (and by `python -m app check-config`) with every other setting.
        """
        return []


class AppSettings(ServiceSettings):
    """APP_*: how the process runs."""

    model_config = SettingsConfigDict(env_prefix="APP_")

    env: Environment = "development"
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    workers: PositiveInt = 1
    debug: bool = False
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    shutdown_timeout_seconds: PositiveInt = 30
    # Peers (load balancers, ingress) whose X-Forwarded-For and X-Forwarded-Proto are believed;
    # from anyone else those headers are ignored, so no client can choose its own address.
    trusted_proxies: str = ""

    @field_validator("trusted_proxies")
    @classmethod
    def _check_networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def trusted_proxy_networks(self) -> list[Network]:
        return parse_networks(self.trusted_proxies)


class LogSettings(ServiceSettings):
    """LOG_*: what is logged and how it is rendered."""

    model_config = SettingsConfigDict(env_prefix="LOG_")

    level: LogLevel = "INFO"
    format: Literal["auto", "json", "console"] = "auto"

    @field_validator("level", "format", mode="before")
    @classmethod
    def _normalise_case(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "level" else value.lower()


class SecuritySettings(ServiceSettings):
    """HTTP hardening: CORS, HSTS, request size and compression limits."""

    cors_allow_origins: str = ""
    hsts_max_age_seconds: NonNegativeInt = 0
    max_request_body_bytes: PositiveInt = 10 * 1024 * 1024
    # The request target plus every header name and value; beyond either limit the server
    # answers 431 without reading further (app.core.http_protocol).
    max_request_header_bytes: Annotated[int, Field(ge=1024)] = 16 * 1024
    max_request_header_count: PositiveInt = 100
    gzip_minimum_size_bytes: NonNegativeInt = 1000

    @property
    def cors_origins(self) -> list[str]:
        """CORS_ALLOW_ORIGINS split on commas; an empty list disables CORS."""
        return [origin.strip() for origin in self.cors_allow_origins.split(",") if origin.strip()]


def _database_url_example() -> str:
    # Suggest only a URL whose driver this service has (a SQLite render has no asyncpg).
    from importlib.util import find_spec

    has_asyncpg = find_spec("asyncpg") is not None
    return DATABASE_URL_EXAMPLE if has_asyncpg else DEVELOPMENT_DATABASE_URL


class DatabaseSettings(ServiceSettings):
    """DATABASE_*: connection URL, pool sizing and timeouts."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    url: str = Field(default="", examples=[_database_url_example()])
    pool_size: PositiveInt = 20
    # Overflow connections are closed as they come back while the pool is full, so sustained load
    # above pool_size opens and closes them constantly (docs/runbook.md). Off unless asked for.
    max_overflow: NonNegativeInt = 0
    pool_timeout_seconds: PositiveFloat = 30
    pool_recycle_seconds: Annotated[int, Field(ge=-1)] = 1800  # -1: never recycle
    pool_pre_ping: bool = True
    statement_timeout_ms: NonNegativeInt = 10000
    health_timeout_seconds: PositiveFloat = 2

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value:
            _check_database_url(value)
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_url.startswith("sqlite")

    @property
    def resolved_url(self) -> str:
        """DATABASE_URL, or the local SQLite file when it is unset (refused in production)."""
        return self.url or DEVELOPMENT_DATABASE_URL


def url_with_scheme(*schemes: str) -> AfterValidator:
    """For `Annotated[str, url_with_scheme("https")]`: a URL with one of these schemes."""
    expected = ", ".join(f"{scheme}://" for scheme in schemes[:-1])
    expected = f"{expected} or {schemes[-1]}://" if expected else f"{schemes[-1]}://"

    def check(value: str) -> str:
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise ValueError(f"not a valid {expected} URL (check its port)") from None
        if parts.scheme.lower() not in schemes or not (parts.netloc or parts.path):
            raise ValueError(f"not a {expected} URL")
        return value

    return AfterValidator(check)


def _check_database_url(value: str) -> None:
    # Imported here: SQLAlchemy is only needed once a URL is actually set.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(value)
        dialect = url.get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError: first
        raise ValueError("names a database or driver SQLAlchemy does not know") from None
    except ArgumentError:
        raise ValueError("not a database URL") from None
    if not getattr(dialect, "is_async", False):
        raise ValueError(
            f"driver {url.drivername!r} is not asyncio-capable "
            "(use postgresql+asyncpg:// or sqlite+aiosqlite://)"
        )


class ConfigurationError(Exception):
    """Settings that are invalid or unsafe: one line per problem, each naming its variable."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Settings:
    """All core settings sections of the service."""

    app: AppSettings
    log: LogSettings
    security: SecuritySettings
    database: DatabaseSettings

    sections: ClassVar[dict[str, type[ServiceSettings]]] = {
        "app": AppSettings,
        "log": LogSettings,
        "security": SecuritySettings,
        "database": DatabaseSettings,
    }

    @classmethod
    def load(cls, env_file: str | None = ".env") -> Settings:
        """Read and check every settings class, the features' too; ConfigurationError lists all.

        The startup check (app.core.settings_check.check_or_exit) also applies each class's
        check_with_core; a feature applies its own when it installs.
        """
        # Imported here: the check imports the feature packages, which import this module.
        from app.core.settings_check import check_configuration

        return check_configuration(env_file, with_core_checks=False).settings

    @property
    def is_production(self) -> bool:
        return self.app.env == "production"

    def production_problems(self) -> list[str]:
        """What must change before this configuration may run with APP_ENV=production."""
        problems = []
        secret = self.app.secret_key.get_secret_value()
        if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH:
            problems.append(
                f"APP_SECRET_KEY is the default or shorter than {MIN_SECRET_KEY_LENGTH} "
                "characters, refused in production: set a long random string, e.g. the output of: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if self.app.debug:
            problems.append("APP_DEBUG is true, refused in production: set APP_DEBUG=false")
        if "*" in self.security.cors_origins:
            problems.append(
                'CORS_ALLOW_ORIGINS contains "*", refused in production: list the allowed '
                "origins instead, e.g. CORS_ALLOW_ORIGINS=https://app.example.com"
            )
        if not self.database.url or self.database.is_sqlite:
            problems.append(
                "DATABASE_URL is unset or SQLite, refused in production: set a PostgreSQL URL, "
                f"e.g. DATABASE_URL={DATABASE_URL_EXAMPLE}"
            )
        return problems

    def check_production_safety(self) -> None:
        """Raise ConfigurationError when APP_ENV=production and any setting is unsafe."""
        if not self.is_production:
            return
        problems = self.production_problems()
        if problems:
            raise ConfigurationError(*problems)
