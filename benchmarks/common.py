"""Shared helpers for the benchmark scripts: render a project, install it, run its server, measure."""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
ADMIN_DATABASE_URL = os.environ.get(
    "SHIPYARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def tool_env() -> dict[str, str]:
    """Environment for uv and the generated project's tools: no interpreter downloads, shared cache."""
    env = dict(os.environ)
    # Measure as on a user's machine, where Python caches bytecode (this sandbox turns that off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    env.pop("VIRTUAL_ENV", None)
    return env


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env or tool_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def render(dest: Path, *data: str, template: Path | None = None) -> None:
    """Render the template (this checkout's, or `template`) with default answers plus KEY=VALUE
    overrides, through the real CLI."""
    shutil.rmtree(dest, ignore_errors=True)
    args = [str(BIN / "shipyard"), "new", str(dest), "--defaults"]
    if template is not None:
        args += ["--template", str(template)]
    for item in data:
        args += ["--data", item]
    run(args)


def install(project: Path) -> None:
    run([str(BIN / "uv"), "sync", "--quiet"], cwd=project)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 1.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def wait_for_200(url: str, deadline_seconds: float) -> float:
    """Poll until the URL answers 200; returns the moment it did (perf_counter)."""
    deadline = time.perf_counter() + deadline_seconds
    while time.perf_counter() < deadline:
        try:
            if http_status(url, timeout=0.5) == 200:
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"{url} did not answer 200 within {deadline_seconds} s")


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one benchmark; yields its asyncpg URL and drops it after."""
    name = f"shipyard_bench_{uuid.uuid4().hex[:10]}"
    psql = ["psql", ADMIN_DATABASE_URL, "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    try:
        run([*psql, f"CREATE DATABASE {name}"])
    except SystemExit as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {ADMIN_DATABASE_URL}: start it or set "
            f"SHIPYARD_TEST_DATABASE_URL to a server where databases may be created.\n{error}"
        ) from None
    base = ADMIN_DATABASE_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


@contextmanager
def server(cmd: list[str], cwd: Path, env: dict[str, str], health_url: str) -> Iterator[float]:
    """Start a server process; yields the seconds from spawn to first 200; stops it after."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = wait_for_200(health_url, deadline_seconds=30)
        yield ready - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()


def write_report(name: str, report: dict[str, Any]) -> None:
    """Print the JSON report and keep a copy under benchmarks/results/."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2)
    (RESULTS_DIR / f"{name}.json").write_text(text + "\n", encoding="utf-8")
    print(text)
