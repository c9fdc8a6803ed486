"""scripts/smoke_test.sh and the loadtests' tiny profile, run as a deployment would run them.

Both go over real HTTP to one real server process (`python -m app` on the test database),
started once for this module; that is why the tests against it are marked fault.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import environment_for_tests
from tests.support.credentials import server_headers
from tests.support.database import PROJECT_ROOT
from tests.support.live_server import LiveServer, free_port, live_servers

SMOKE_SCRIPT = PROJECT_ROOT / "scripts" / "smoke_test.sh"
LOCUSTFILE = PROJECT_ROOT / "loadtests" / "locustfile.py"
METRICS_ON = importlib.util.find_spec("app.features.metrics") is not None
RUN_SECONDS = 60


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[LiveServer]:
    with live_servers(database_url, environment_for_tests(database_url)) as (started,):
        yield started


@pytest.fixture(scope="module")
def authorization(server: LiveServer) -> str:
    """The Authorization header a client of this server sends ("" when it has no auth)."""
    return server_headers(base_url(server)).get("Authorization", "")


def base_url(server: LiveServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def smoke(url: str, authorization: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMOKE_REQUIRE_METRICS": "1" if METRICS_ON else "0"}
    if authorization:
        env["SMOKE_HEADERS"] = f"Authorization: {authorization}"
    return subprocess.run(
        ["bash", str(SMOKE_SCRIPT), url],
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_SECONDS,
        check=False,
    )


@pytest.mark.fault
def test_smoke_script_passes_against_a_running_service(
    server: LiveServer, authorization: str
) -> None:
    result = smoke(base_url(server), authorization)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = result.stdout
    for check in ("liveness", "readiness", "create item", "with If-Match", "404 is problem+json"):
        assert check in checks
    assert ("ok   /metrics" in checks) is METRICS_ON
    assert "smoke test passed" in checks


def test_smoke_script_fails_with_one_line_naming_the_check() -> None:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    result = smoke(nobody_listens)
    assert result.returncode == 1
    assert result.stderr.startswith(f"smoke test FAILED: GET {nobody_listens}/healthz: no answer")
    assert len(result.stderr.strip().splitlines()) == 1


def test_smoke_script_explains_its_usage() -> None:
    result = subprocess.run(
        ["bash", str(SMOKE_SCRIPT)], capture_output=True, text=True, timeout=10, check=False
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.fault
def test_tiny_load_profile_meets_its_thresholds(server: LiveServer, authorization: str) -> None:
    if importlib.util.find_spec("locust") is None:
        pytest.fail("locust is not installed: `uv sync --extra loadtest` (make test does it)")
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    result = subprocess.run(
        [*command, "--only-summary", "--host", base_url(server)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PROFILE": "tiny", "LOADTEST_AUTHORIZATION": authorization},
        timeout=RUN_SECONDS,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "load test passed: profile tiny" in output
    # Every simulated user walks these first (locustfile.py on_start), so no run misses them.
    for scenario in ("POST /items", "PATCH /items/{id} If-Match", "GET /items/{id} If-None-Match"):
        assert scenario in output
