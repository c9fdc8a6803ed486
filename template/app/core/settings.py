"""Typed configuration read from environment variables (and .env), with production safety checks."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me"  # noqa: S105 - the placeholder that production refuses
MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_DATABASE_URL = "sqlite+aiosqlite:///./var/app.db"

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
                f"{part!r} is not an IP address or network, e.g. 10.0.0.5 or 10.0.0.0/8"
            ) from None
    return networks


class ServiceSettings(BaseSettings):
    """Base of every settings class; configuration checks find them all via __subclasses__."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    @classmethod
    def env_var_names(cls) -> list[str]:
        """The environment variables this class reads, in declaration order."""
        prefix = str(cls.model_config.get("env_prefix", ""))
        return [f"{prefix}{name}".upper() for name in cls.model_fields]


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


class DatabaseSettings(ServiceSettings):
    """DATABASE_*: connection URL, pool sizing and timeouts."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    url: str = ""
    pool_size: PositiveInt = 20
    # Overflow connections are closed as they come back while the pool is full, so sustained load
    # above pool_size opens and closes them constantly (docs/runbook.md). Off unless asked for.
    max_overflow: NonNegativeInt = 0
    pool_timeout_seconds: PositiveFloat = 30
    pool_recycle_seconds: int = 1800
    pool_pre_ping: bool = True
    statement_timeout_ms: NonNegativeInt = 10000
    health_timeout_seconds: PositiveFloat = 2

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_url.startswith("sqlite")

    @property
    def resolved_url(self) -> str:
        """DATABASE_URL, or the local SQLite file when it is unset (refused in production)."""
        return self.url or DEVELOPMENT_DATABASE_URL


class ConfigurationError(Exception):
    """Settings that are invalid or unsafe; the message names each variable and the fix."""


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
        """Read every section from the environment; ConfigurationError lists all problems."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, section in cls.sections.items():
            try:
                values[name] = section(_env_file=env_file)
            except ValidationError as error:
                problems += _describe_validation_error(section, error)
        if problems:
            raise ConfigurationError(
                "Invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems)
            )
        settings = cls(**values)
        settings.check_production_safety()
        return settings

    @property
    def is_production(self) -> bool:
        return self.app.env == "production"

    def production_problems(self) -> list[str]:
        """What must change before this configuration may run with APP_ENV=production."""
        problems = []
        secret = self.app.secret_key.get_secret_value()
        if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH:
            problems.append(
                "APP_SECRET_KEY is the default or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters: set it to a long random string, e.g. the "
                'output of: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if self.app.debug:
            problems.append("APP_DEBUG is true: set APP_DEBUG=false")
        if "*" in self.security.cors_origins:
            problems.append(
                'CORS_ALLOW_ORIGINS contains "*": list the allowed origins instead, e.g. '
                "CORS_ALLOW_ORIGINS=https://app.example.com"
            )
        if not self.database.url or self.database.is_sqlite:
            problems.append(
                "DATABASE_URL is unset or SQLite: set it to a PostgreSQL URL, e.g. "
                "DATABASE_URL=postgresql+asyncpg://user:password@db-host:5432/dbname"
            )
        return problems

    def check_production_safety(self) -> None:
        """Raise ConfigurationError when APP_ENV=production and any setting is unsafe."""
        if not self.is_production:
            return
        problems = self.production_problems()
        if problems:
            raise ConfigurationError(
                "Refusing to start with APP_ENV=production and unsafe settings:\n"
                + "\n".join(f"  - {problem}" for problem in problems)
            )


def _describe_validation_error(section: type[ServiceSettings], error: ValidationError) -> list[str]:
    prefix = str(section.model_config.get("env_prefix", ""))
    return [
        f"{prefix}{'.'.join(str(part) for part in detail['loc'])}".upper() + f": {detail['msg']}"
        for detail in error.errors()
    ]
