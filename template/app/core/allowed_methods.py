"""405 Method Not Allowed with the full Allow header: every method any route accepts at the path."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

from app.core.problems import problem_response

METHOD_NOT_ALLOWED = 405
# The methods probed, in the order the header lists them. HEAD follows GET (see below).
CANDIDATE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Methods some route serves at this request's path, HEAD wherever GET is.

    Starlette answers 405 from the first route whose path matches, so its Allow named only that
    route's methods, and GET and POST of one path are two routes. Asking the router whether
    each method would be routed works for any kind of route (included routers, mounts).
    """
    routes = list(routes)
    allowed = [
        method
        for method in CANDIDATE_METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    if "GET" in allowed:
        # HeadRequestMiddleware answers HEAD wherever GET works.
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return allowed


async def method_not_allowed_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this status only
    headers = dict(exc.headers or {})
    methods = allowed_methods(request.app.router.routes, request.scope)
    detail = None
    if methods:
        headers["Allow"] = ", ".join(methods)
        detail = f"This path supports {headers['Allow']}."
    return problem_response(request.scope, METHOD_NOT_ALLOWED, detail, headers=headers)
