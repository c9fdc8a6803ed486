"""Settings of the rate limiter: RATE_LIMIT_* policies, exemptions and failure policy."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from limits import RateLimitItem, parse
from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from app.core.about import about
from app.core.settings import ServiceSettings, parse_networks

Strategy = Literal["moving-window", "sliding-window", "fixed-window"]
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _default_prefix() -> str:
    return about().name.lower().replace(" ", "-") + "-rate-limit"


ROUTES_EXAMPLE = '{"POST /items": "10/minute"}'
LIMIT_FORM = 'a rate limit such as "100/minute" or "5/second"'


def parse_limit(text: str) -> RateLimitItem:
    """A limits string such as "100/minute"; ValueError naming the expected form otherwise."""
    try:
        return parse(text)
    except ValueError:
        raise ValueError(f"not {LIMIT_FORM}") from None


class RateLimitSettings(ServiceSettings):
    """RATE_LIMIT_*: limits per client, route overrides, exemptions, store failure policy."""

    model_config = SettingsConfigDict(env_prefix="RATE_LIMIT_")

    default: str = "100/minute"
    write: str = "20/minute"
    # NoDecode: the validator below parses the JSON, so a bad value is reported by its variable.
    routes: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, examples=[ROUTES_EXAMPLE]
    )
    strategy: Strategy = "moving-window"
    allowlist: str = ""
    # Deprecated in favour of APP_TRUSTED_PROXIES (app.core); still honoured, with a warning.
    trusted_proxies: str = ""
    fail_open: bool = True
    key_prefix: str = Field(default_factory=_default_prefix, min_length=1)

    @field_validator("default", "write")
    @classmethod
    def _check_limit(cls, value: str) -> str:
        parse_limit(value)
        return value

    @field_validator("routes", mode="before")
    @classmethod
    def _parse_routes(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = json.loads(value or "{}")
            except json.JSONDecodeError as error:
                raise ValueError(f"not valid JSON ({error.msg} at character {error.pos})") from None
        if not isinstance(value, dict):
            raise ValueError(f"must be a JSON object such as {ROUTES_EXAMPLE}")
        for route, limit in value.items():
            method, _, path = str(route).partition(" ")
            if method.upper() not in METHODS or not path.startswith("/"):
                raise ValueError(f'{route!r} must be "METHOD /route/template", e.g. "POST /items"')
            try:
                parse_limit(str(limit))
            except ValueError:
                raise ValueError(f"{route!r}: {limit!r} is not {LIMIT_FORM}") from None
        return value

    @field_validator("allowlist", "trusted_proxies")
    @classmethod
    def _check_networks(cls, value: str) -> str:
        parse_networks(value)
        return value
