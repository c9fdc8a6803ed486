"""The real app plus a slow route, served by app.core.server: the graceful-shutdown test's target.

Run as `python -m tests.support.slow_app` with the usual environment variables.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import FastAPI

from app.core.settings import Settings
from app.main import create_app as create_service


def create_app() -> FastAPI:
    app = create_service()
    in_flight = 0

    @app.get("/slow")
    async def slow(seconds: float = 1.0) -> dict[str, float]:
        nonlocal in_flight
        in_flight += 1
        try:
            await app.state.database.ping()  # so shutdown has a used pool to close
            await asyncio.sleep(seconds)
        finally:
            in_flight -= 1
        return {"slept": seconds}

    @app.get("/busy")
    async def busy(seconds: float = 1.0) -> dict[str, float]:
        # Holds the event loop, so a signal arriving now is handled inside this request.
        time.sleep(seconds)  # noqa: ASYNC251 - blocking is the point
        return {"busy": seconds}

    @app.get("/in-flight")
    async def count() -> dict[str, int]:
        return {"in_flight": in_flight}

    return app


def main() -> None:
    from app.core.server import serve

    serve(Settings.load(env_file=None), app=f"{__name__}:create_app")


if __name__ == "__main__":
    main()
