"""Which limit applies to a request: a route override, else the write limit, else the default."""

from __future__ import annotations

import re
from dataclasses import dataclass

from limits import RateLimitItem
from starlette.routing import compile_path

from app.features.rate_limit.settings import RateLimitSettings, parse_limit

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Policy:
    """A limit and the name its counters are kept under (clients have one counter per name)."""

    name: str
    limit: RateLimitItem


@dataclass(frozen=True)
class RouteOverride:
    method: str
    pattern: re.Pattern[str]
    policy: Policy


class Policies:
    def __init__(self, settings: RateLimitSettings) -> None:
        self.default = Policy("default", parse_limit(settings.default))
        self.write = Policy("write", parse_limit(settings.write))
        self.overrides = []
        for route, limit in settings.routes.items():
            method, _, template = route.partition(" ")
            pattern = compile_path(template.strip())[0]
            policy = Policy(f"route:{method.upper()} {template.strip()}", parse_limit(limit))
            self.overrides.append(RouteOverride(method.upper(), pattern, policy))

    def for_request(self, method: str, path: str) -> Policy:
        for override in self.overrides:
            if override.method == method and override.pattern.match(path):
                return override.policy
        return self.write if method in WRITE_METHODS else self.default
