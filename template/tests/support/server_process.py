"""Starts the slow test app as a real server process (`python -m tests.support.slow_app`).

The graceful-shutdown test needs a running server; conftest launches it as soon as collection
shows that test is selected, so the process boots while other tests run.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.database import PROJECT_ROOT

SERVER_SECRET_KEY = "server-process-secret-key-long-enough-0123456789"
SHUTDOWN_TIMEOUT_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    def __init__(self, database_url: str, **env_overrides: str) -> None:
        """Start it on a free port; `env_overrides` replace the defaults below (not the URL)."""
        self.scratch = Path(tempfile.mkdtemp(prefix="server-process-"))
        self.port = free_port()
        self.log_path = self.scratch / "server.log"
        env = {
            **os.environ,
            "APP_ENV": "test",
            "APP_SECRET_KEY": SERVER_SECRET_KEY,
            "APP_SHUTDOWN_TIMEOUT_SECONDS": str(SHUTDOWN_TIMEOUT_SECONDS),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            **env_overrides,
            # The slow route only pings the database, so any reachable one will do.
            "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{self.scratch / 'app.db'}",
            "APP_PORT": str(self.port),
        }
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.slow_app"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log_path.read_text()

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (uvicorn's and ours)."""
        return [json.loads(line) for line in self.output().splitlines() if line.startswith("{")]

    async def wait_until_serving(self, within: float = 60) -> None:
        """Return once /healthz answers; fail with the server's output if it never does."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(f"the server never answered /healthz:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)
