"""The real server process: graceful shutdown on SIGTERM, server options, the entry point."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import time

import httpx
import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.server import server_options
from app.core.settings import Settings
from tests.conftest import MakeSettings, environment_for_tests
from tests.support.database import PROJECT_ROOT
from tests.support.server_process import SHUTDOWN_TIMEOUT_SECONDS, ServerProcess

SLOW_REQUESTS = 10
SLOW_SECONDS = 1.2
SHUTDOWN_STEPS = [
    "shutdown signal received",
    "stopped accepting connections; waiting for in-flight requests",
    "closing database pool",
    "application shutdown complete",
    "server stopped",
]


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


async def wait_until(predicate, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if await predicate():
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_server_options_use_uvloop_httptools_and_the_grace_period(
    make_settings: MakeSettings,
) -> None:
    options = server_options(make_settings(APP_SHUTDOWN_TIMEOUT_SECONDS="7", APP_WORKERS="2"))
    assert options["loop"] == "uvloop"
    # httptools, bounded (tests/core/test_request_head_limits.py)
    assert issubclass(options["http"].func, HttpToolsProtocol)
    assert options["timeout_graceful_shutdown"] == 7
    assert options["workers"] == 2


@pytest.mark.server_process
@pytest.mark.fault
async def test_sigterm_drains_in_flight_requests_then_exits_cleanly(
    server_process: ServerProcess,
) -> None:
    server = server_process.process
    limits = httpx.Limits(max_connections=SLOW_REQUESTS + 2)
    async with httpx.AsyncClient(
        base_url=server_process.base_url, timeout=15, limits=limits
    ) as client:

        async def started() -> bool:
            return (await client.get("/healthz")).status_code == 200

        await wait_until(started, 30, "the server to start")
        requests = [
            asyncio.create_task(client.get("/slow", params={"seconds": SLOW_SECONDS}))
            for _ in range(SLOW_REQUESTS)
        ]

        async def all_in_flight() -> bool:
            return bool((await client.get("/in-flight")).json()["in_flight"] == SLOW_REQUESTS)

        await wait_until(all_in_flight, 10, "every slow request to arrive")
        server.send_signal(signal.SIGTERM)
        signalled = time.monotonic()

        async def refusing() -> bool:
            return await asyncio.to_thread(refuses_connections, server_process.port)

        await wait_until(refusing, SLOW_SECONDS, "new connections to be refused")
        assert not all(request.done() for request in requests), "refused while still draining"

        responses = await asyncio.gather(*requests)
    assert [response.status_code for response in responses] == [200] * SLOW_REQUESTS
    assert all(response.json() == {"slept": SLOW_SECONDS} for response in responses)

    returncode = await asyncio.to_thread(server.wait, SHUTDOWN_TIMEOUT_SECONDS + 5)
    assert returncode == 0, server_process.output()
    assert time.monotonic() - signalled < SHUTDOWN_TIMEOUT_SECONDS

    lines = server_process.output().splitlines()
    events = [json.loads(line)["event"] for line in lines if line.startswith("{")]
    positions = [events.index(step) for step in SHUTDOWN_STEPS]
    assert positions == sorted(positions), f"shutdown steps out of order: {events}"


# Loggers of the server's own shutdown steps (not of the requests it is still finishing).
SHUTDOWN_LOGGERS = {"app.server", "app.main", "app.lifecycle", "uvicorn.error"}


@pytest.mark.fault
async def test_requests_still_running_when_the_drain_timeout_ends_get_a_503(
    database_url: str,
) -> None:
    """SIGTERM, 1 s to drain: a 10 s request is answered 503 + Connection: close, no traceback."""
    env = environment_for_tests(database_url, APP_SHUTDOWN_TIMEOUT_SECONDS="1")
    server_process = ServerProcess(database_url, **env)
    try:
        await server_process.wait_until_serving()
        server = server_process.process
        async with httpx.AsyncClient(base_url=server_process.base_url, timeout=15) as client:
            too_slow = asyncio.create_task(client.get("/slow", params={"seconds": 10}))

            async def in_flight() -> bool:
                return bool((await client.get("/in-flight")).json()["in_flight"] == 1)

            await wait_until(in_flight, 10, "the slow request to arrive")
            # SIGTERM lands while this request holds the loop, so its handler runs in the
            # request's context: the shutdown lines must not inherit the request's id.
            busy = asyncio.create_task(client.get("/busy", params={"seconds": 0.5}))
            await asyncio.sleep(0.2)
            server.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            response = await too_slow
            assert (await busy).status_code == 200
        elapsed = time.monotonic() - signalled

        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["connection"] == "close"
        assert response.headers["retry-after"]
        assert response.json()["status"] == 503
        assert elapsed < 5, f"answered {elapsed:.1f} s after SIGTERM with a 1 s drain timeout"
        assert await asyncio.to_thread(server.wait, 10) == 0, server_process.output()

        output = server_process.output()
        assert "Traceback" not in output, output
        lines = server_process.log_lines()
        assert not [line for line in lines if "exception" in line], output
        shutdown_lines = [line for line in lines if line.get("logger") in SHUTDOWN_LOGGERS]
        assert "shutdown signal received" in [line["event"] for line in shutdown_lines]
        leaked = [line for line in shutdown_lines if "request_id" in line]
        assert not leaked, f"shutdown lines carry a request's id: {leaked}"
    finally:
        server_process.stop()


def test_main_refuses_bad_settings_with_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.__main__ import main

    monkeypatch.setenv("APP_PORT", "not-a-port")
    monkeypatch.chdir(PROJECT_ROOT / "tests")
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "APP_PORT" in capsys.readouterr().err


def test_main_serves_with_the_loaded_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.core.server
    from app.__main__ import main

    served: list[Settings] = []
    monkeypatch.setattr(app.core.server, "serve", served.append)
    monkeypatch.setenv("APP_PORT", "8123")
    monkeypatch.chdir(PROJECT_ROOT / "tests")
    main([])
    assert served[0].app.port == 8123


def test_several_workers_are_supervised_by_uvicorn(
    monkeypatch: pytest.MonkeyPatch, make_settings: MakeSettings
) -> None:
    import uvicorn

    from app.core.server import APP_FACTORY, serve

    runs: list[tuple[str, dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append((app, options)))
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # keep pytest's own handlers
    serve(make_settings(APP_WORKERS="3"))
    assert runs[0][0] == APP_FACTORY
    assert runs[0][1]["workers"] == 3
