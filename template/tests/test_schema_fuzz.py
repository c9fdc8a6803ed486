"""A schema-driven fuzzer (schemathesis) against the real server: every check, every phase.

`st run` drives `python -m app` through its examples, coverage (negative data included), fuzzing
and stateful phases with all of its checks, and this test fails on any finding: a 5xx, a status,
header or body the OpenAPI document does not describe, input the document refuses that the
service accepts, or the reverse. tests/support/schema_fuzz.toml says why each setting departs
from schemathesis' defaults.

SCHEMA_FUZZ_SECONDS (default 15) is the time budget; raise it to search longer, e.g.
`SCHEMA_FUZZ_SECONDS=600 uv run pytest tests/test_schema_fuzz.py`. A failure prints the seed;
SCHEMA_FUZZ_SEED=<seed> replays that run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import environment_for_tests
from tests.support.credentials import server_headers
from tests.support.database import PROJECT_ROOT
from tests.support.server_process import free_port

FUZZ_SECONDS = int(os.environ.get("SCHEMA_FUZZ_SECONDS", "15"))
FUZZ_SEED = os.environ.get("SCHEMA_FUZZ_SEED")
SUPPORT = Path(__file__).parent / "support"
CONFIG = SUPPORT / "schema_fuzz.toml"
HOOKS = "tests.support.schema_fuzz_hooks"
# Generous: on a busy 2-core machine the whole app has taken 23 s to import and start.
STARTUP_SECONDS = 90
# Past the budget: loading the schema, shrinking a failure and writing the report.
OVERRUN_SECONDS = 90
OUTPUT_TAIL = 30_000


def _wait_until_serving(server: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(
        f"the server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}"
    )


def _unmeasured(env: dict[str, str]) -> dict[str, str]:
    # Coverage follows subprocesses (pyproject: patch = ["subprocess"]). The server is worth
    # measuring; the fuzzer's own process is not, and tracing it halves the requests it sends.
    return {name: value for name, value in env.items() if not name.startswith("COVERAGE_PROCESS")}


def _credentials(base_url: str, headers: dict[str, str]) -> dict[str, str]:
    # Signed in as a client of the service would be (tests/support/credentials.py), so the
    # fuzzer reaches the routes behind authentication, not only their 401. The hooks set the
    # header on each request (see tests/support/schema_fuzz_hooks.py for why not --header).
    authorization = headers.get("Authorization")
    signed_in = {} if authorization is None else {"SCHEMA_FUZZ_AUTHORIZATION": authorization}
    return {**signed_in, "SCHEMA_FUZZ_BASE_URL": base_url}


def _fuzz_command(base_url: str) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-time",
        str(FUZZ_SECONDS),
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--no-color",
    ]
    return [*command, "--seed", FUZZ_SEED] if FUZZ_SEED else command


@pytest.mark.fault
def test_schema_fuzzer_finds_nothing(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **environment_for_tests(database_url),
        "APP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        # /readyz answers 503 when its database check overruns; on a loaded machine (the matrix
        # runs combinations side by side) 2 s was overrun, and any 5xx is a finding (ST101).
        "DATABASE_HEALTH_TIMEOUT_SECONDS": "8",
    }
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(server, base_url, log)
        headers = server_headers(base_url)
        result = subprocess.run(
            _fuzz_command(base_url),
            cwd=PROJECT_ROOT,
            env={
                **_unmeasured(env),
                **_credentials(base_url, headers),
                "SCHEMATHESIS_HOOKS": HOOKS,
            },
            capture_output=True,
            text=True,
            timeout=FUZZ_SECONDS + OVERRUN_SECONDS,
            check=False,
        )
        # The run's session still works: the fuzzer never signed itself out, so every request
        # reached the routes behind authentication, not only their 401.
        after_the_run = httpx.get(f"{base_url}/items", headers=headers, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 0, (
        f"schemathesis found problems (exit {result.returncode}):\n"
        f"{result.stdout[-OUTPUT_TAIL:]}\n{result.stderr[-OUTPUT_TAIL:]}\n"
        f"server log:\n{log.read_text()[-OUTPUT_TAIL:]}"
    )
    assert after_the_run.status_code == 200, (
        f"the fuzzer's session ended during the run: {after_the_run.text}"
    )
