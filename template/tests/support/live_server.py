"""The service as a real server process (`python -m app`), for tests of the HTTP server itself.

In-process clients skip uvicorn, so what it parses, limits and trusts (request heads, proxy
headers) can only be tested against a process listening on a port. Each server runs from an empty
directory (no developer .env can leak in) and stops with SIGTERM, so coverage is saved.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.database import PROJECT_ROOT

SECRET_KEY = "live-server-secret-key-long-enough-0123456789"
# Generous: a loaded CI runner (or coverage in the child) can take many seconds to import the app.
BOOT_SECONDS = 120
STOP_SECONDS = 10
LOG_WAIT_SECONDS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    def __init__(self, database_url: str, env: Mapping[str, str]) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="live-server-"))
        self.port = free_port()
        self.log_path = self.scratch / "server.log"
        environment = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "PYTHONUNBUFFERED": "1",  # log lines reach the file as they are written
            "APP_ENV": "test",
            "APP_PORT": str(self.port),
            "APP_SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **env,
        }
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app"],
                cwd=self.scratch,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited at start:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"the server did not listen within {BOOT_SECONDS} s:\n{self.output()}")

    def peak_memory_kib(self) -> int | None:
        """The process's peak resident set size (VmHWM), where /proc tells it (Linux)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1])

    def output(self) -> str:
        return self.log_path.read_text()

    def log_events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.output().splitlines() if line.startswith("{")]

    def wait_for_events(self, matches: Callable[[dict[str, Any]], bool], count: int) -> list[Any]:
        """The first `count` logged events `matches` accepts, waiting briefly for them."""
        deadline = time.monotonic() + LOG_WAIT_SECONDS
        while True:
            found = [event for event in self.log_events() if matches(event)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


@contextmanager
def live_servers(database_url: str, *envs: Mapping[str, str]) -> Iterator[list[LiveServer]]:
    """One server per environment, booted side by side, stopped on exit."""
    servers = [LiveServer(database_url, env) for env in envs]
    try:
        for server in servers:
            server.wait_until_listening()
        yield servers
    finally:
        for server in servers:
            server.stop()
