"""mount_router: a router's operations become the app's own routes, not a nested included router.

FastAPI 0.165's include_router keeps the router as a node matched on every request: the app's
router asks it, it builds an effective route for each operation and records itself and the chosen
route in the request's scope before the operation runs. The same operations declared on the app
are matched by one regex each. benchmarks/mounted_routes.py (a service-shaped app with empty
endpoints) measured 67.3 CPU us per GET /items/1 through include_router and 53.5 us mounted; the
whole default service answered GET /healthz in 50.1 us included and 42.4 us mounted
(benchmarks/asgi_cpu.py of the shipyard template repository). The OpenAPI document is the same
either way (tests/core/test_routes.py compares them). A router holding anything but plain
operations (a nested router, a mount, a websocket) is included as FastAPI does it.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

# Route options of FastAPI releases newer than the oldest this project allows (0.115).
NEWER_ROUTE_OPTIONS = ("strict_content_type", "max_body_size", "form_limits")


def mount_router(app: FastAPI, router: APIRouter) -> None:
    """Add every operation of `router` to `app` as if it had been declared there."""
    if not all(isinstance(route, APIRoute) for route in router.routes):
        app.include_router(router)
        return
    for route in router.routes:
        assert isinstance(route, APIRoute)  # noqa: S101 - checked above, for the type checker
        # The route already holds what its router added (prefix, tags, dependencies,
        # responses), so the app's router, which adds nothing, re-creates it as it is; the
        # app becomes its dependency_overrides_provider, as with include_router.
        app.router.add_api_route(
            route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=route.dependencies,
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            route_class_override=type(route),
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
            **{name: getattr(route, name) for name in NEWER_ROUTE_OPTIONS if hasattr(route, name)},
        )
