"""A generated service's README commands work as printed on a machine with Python but no uv."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shipyard.presets import load_presets
from support.renders import RenderCache

# Each make target is bounded: a cold `uv sync` plus the generated suite stay well inside this.
MAKE_TIMEOUT_SECONDS = 600
SERVER_START_SECONDS = 60
# Network and cache configuration of this machine, passed through so installs reach the same
# package index as everything else here; none of them is a tool the README would have to mention.
PASSED_THROUGH = ("HOME", "SSL_CERT_FILE", "UV_CACHE_DIR", "UV_NATIVE_TLS", "UV_SYSTEM_CERTS")
PASSED_THROUGH_PREFIXES = ("PIP_", "UV_INDEX", "UV_DEFAULT_INDEX")


# What the README says a user needs: make, plus bash, curl and the coreutils the smoke test that
# `make test` runs calls (scripts/smoke_test.sh); python3 is added apart.
USER_TOOLS = (
    "make", "bash", "curl", "cut", "date", "grep", "head", "mktemp", "rm", "sed", "tail", "tr",
)  # fmt: skip


def python_only_path(directory: Path) -> str:
    """A PATH holding python3 and USER_TOOLS only: no uv."""
    directory.mkdir()
    # The interpreter behind this test run (resolved out of any venv), as the user's python3.
    (directory / "python3").symlink_to(Path(sys.executable).resolve())
    for tool in USER_TOOLS:
        found = shutil.which(tool)
        if found is None:
            pytest.fail(f"this test needs {tool} on PATH (apt-get install {tool})")
        (directory / tool).symlink_to(found)
    return str(directory)


def user_environment(path: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key in PASSED_THROUGH or key.startswith(PASSED_THROUGH_PREFIXES)
    }
    environment.update(PATH=path, UV_PYTHON_DOWNLOADS="never", UV_LINK_MODE="copy", NO_COLOR="1")
    return environment


def make(project: Path, environment: dict[str, str], target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", target],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT_SECONDS,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def accepts_connections(port: int) -> bool:
    # A bare TCP connect, not an HTTP request: the POST must be the first request the server sees.
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


@contextmanager
def make_run(project: Path, environment: dict[str, str], port: int) -> Iterator[Path]:
    """`make run` in its own process group, stopped (make, uv and the server) when done."""
    log_path = project / "make-run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=project,
            env={**environment, "APP_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not accepts_connections(port):
            assert process.poll() is None, f"make run exited early:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"make run did not listen:\n{log_path.read_text()}"
            time.sleep(0.1)
        yield log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_readme_run_and_test_work_without_uv_on_path(renders: RenderCache, tmp_path: Path) -> None:
    service = renders.render(load_presets()["minimal"].answers)
    project = tmp_path / "service"
    shutil.copytree(service.project_dir, project)
    path = python_only_path(tmp_path / "bin")
    assert shutil.which("uv", path=path) is None
    environment = user_environment(path)

    port = free_port()
    with make_run(project, environment, port) as log_path:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/items",
            data=json.dumps({"name": "first", "price": "1.50"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as created:
                status = created.status
        except urllib.error.HTTPError as error:
            pytest.fail(f"POST /items: {error.code} {error.read()!r}\n{log_path.read_text()}")
        assert status == 201
    output = log_path.read_text()
    assert "uv is not on PATH: installing it once into .tools/" in output
    assert (project / ".tools" / "bin" / "uv").is_file()

    tested = make(project, environment, "test")
    assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-5000:]
    # The bootstrap happened once, and `uv sync` (make install) keeps it.
    assert "installing it once" not in tested.stdout + tested.stderr
    installed = make(project, environment, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (project / ".tools" / "bin" / "uv").is_file()
    ignored = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".tools/" in ignored, "the bootstrapped uv must stay out of git"
