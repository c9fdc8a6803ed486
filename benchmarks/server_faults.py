"""Check: the service's shutdown and request-head guarantees under uvicorn (as shipped) and granian.

benchmarks/servers.py measures granian faster on one worker; it may only be offered as the server
if it keeps what the service's own tests check under uvicorn (tests/core/test_server.py and
tests/core/test_request_head_limits.py of a render). This renders the default answers, installs
granian next to uvicorn, serves the render's slow test app (tests.support.slow_app) under each with
a 2 s drain limit, and records for each server:
  - drain: 5 requests of 1.2 s in flight at SIGTERM: their answers, whether new connections are
    refused, the exit code, and whether the app's lifespan shutdown ran (its log line);
  - drain limit: the same with 8 s requests: what the clients get when the limit ends first;
  - request head: one 32 KB header and 150 headers (the service's limits are 16 KB and 100):
    the status and content type of the answer.
Bounded: every request has a timeout, every server is stopped. The checks themselves are in
benchmarks/server_fault_checks.py, run by the render's interpreter. Usage: python benchmarks/server_faults.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import BIN, install, render, run, write_report

CHECKS = Path(__file__).with_name("server_fault_checks.py")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory) / "service"
        render(project)
        install(project)
        python = str(project / ".venv/bin/python")
        run([str(BIN / "uv"), "pip", "install", "--quiet", "--python", python, "granian"])
        granian_version = run([python, "-c", "import granian; print(granian.__version__)"]).strip()
        checked = json.loads(run([python, str(CHECKS), str(project)], cwd=project))
    write_report(
        "server_faults",
        {
            "benchmark": "shutdown and request-head checks of the default render under each server",
            "granian_version": granian_version,
            "platform": os.uname().sysname,
            **checked,
        },
    )


if __name__ == "__main__":
    main()
