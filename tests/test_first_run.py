"""A new user's first run, followed to the letter: the commands the docs and the demo print, in order.

From a fresh copy of this repository and a shell with no uv on PATH: `./scripts/demo`, then each next
step it prints, then the generated README's run and test commands; and the root README's plain-Copier
path without pipx. The liberties taken: servers get a free port (APP_PORT) instead of 8000, so a
test never collides with whatever else listens there; a README command the demo's steps already ran
in the same directory is not run twice; and `make test` leaves out the generated suite's fault tests
and coverage (PYTEST_ADDOPTS), because the demo's `shipyard check` has just run that whole suite,
coverage threshold included, in the same fresh shell.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
COMMAND_TIMEOUT_SECONDS = 900  # the demo installs shipyard and runs a whole `shipyard check`
SERVER_START_SECONDS = 60
# This machine's network and cache set-up (package index, certificates), not tools a user installs.
PASSED_THROUGH = ("HOME", "SSL_CERT_FILE", "UV_CACHE_DIR", "UV_NATIVE_TLS", "UV_SYSTEM_CERTS")
PASSED_THROUGH_PREFIXES = ("PIP_", "UV_INDEX", "UV_DEFAULT_INDEX")
# `make test` after the demo's full check: the commands are what is proven here (module docstring).
WITHOUT_FAULT_TESTS = '-m "not fault" --no-cov'
GIT_IDENTITY = {
    f"GIT_{role}_{field}": value
    for role in ("AUTHOR", "COMMITTER")
    for field, value in (("NAME", "First Run"), ("EMAIL", "first-run@example.com"))
}


def fresh_clone(destination: Path) -> Path:
    """The repository's files as a clone has them (working tree included, nothing generated)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file() and not name.startswith("demo-service/"):
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "clone"]):
        subprocess.run(command, cwd=destination, env={**os.environ, **GIT_IDENTITY}, check=True)
    return destination


def new_shell_environment(tmp_path: Path) -> dict[str, str]:
    """A new shell's environment: python3, make, git and the base system on PATH, and no uv."""
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "python3").symlink_to(Path(sys.executable).resolve())
    path = f"{tools}:/usr/bin:/bin"
    if shutil.which("uv", path=path):
        pytest.fail(f"uv is on {path}: this test needs a PATH without uv (remove it from /usr/bin, /bin)")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key in PASSED_THROUGH or key.startswith(PASSED_THROUGH_PREFIXES)
    }
    return {
        **environment,
        **GIT_IDENTITY,
        "PATH": path,
        "UV_PYTHON_DOWNLOADS": "never",
        "NO_COLOR": "1",
        # Read by the generated suite's pytest only (`shipyard check` drops PYTEST_* variables).
        "PYTEST_ADDOPTS": WITHOUT_FAULT_TESTS,
    }


def shell(command: str, cwd: Path, environment: dict[str, str]) -> str:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`{command}` in {cwd} exited {done.returncode}:\n{output[-6000:]}"
    return output


def printed_steps(output: str) -> list[str]:
    """The indented commands after "Next steps:", up to the blank line that ends them."""
    lines = output[output.index("Next steps:") :].splitlines()[1:]
    while lines and not lines[0].strip():
        lines.pop(0)
    steps = []
    for line in lines:
        if not line.startswith("  "):
            break
        steps.append(line.strip())
    return steps


def readme_run_and_test(readme: Path) -> list[str]:
    """The generated README's first shell block: its run and test commands."""
    block = re.search(r"```sh\n(.*?)```", readme.read_text(encoding="utf-8"), re.DOTALL)
    assert block, f"no ```sh block in {readme}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def follow(
    steps: list[str], cwd: Path, environment: dict[str, str], done: set[tuple[Path, str]] | None = None
) -> Path:
    """Run the steps as printed, in order; `cd` moves on, a server is exercised then stopped.

    `done` records each (directory, command) run; one already in it is not run again.
    """
    assert steps, "no steps to follow"
    done = set() if done is None else done
    for step in steps:
        command, _, comment = step.partition("#")
        command = command.strip()
        if command.startswith("cd "):
            cwd = (cwd / command.removeprefix("cd ").strip()).resolve()
            assert cwd.is_dir(), f"`{command}`: no such directory"
        elif (cwd, command) in done:
            continue
        elif "serves http" in comment:
            exercise_server(command, cwd, environment)
        else:
            shell(command, cwd, environment)
        done.add((cwd, command))
    return cwd


def exercise_server(command: str, cwd: Path, environment: dict[str, str]) -> None:
    """Start the server command, make the first request a write, then Ctrl-C it (SIGINT)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = cwd.parent / f"{cwd.name}-server-{port}.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env={**environment, "APP_PORT": str(port)},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, f"`{command}` exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"`{command}` did not listen:\n{log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        name = f"first-{port}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/items",
            data=json.dumps({"name": name, "price": "1.50"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as created:
            assert created.status == 201, log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as ready:
            assert ready.status == 200, log.read_text()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            pytest.fail(f"`{command}` did not stop on Ctrl-C within 20 s:\n{log.read_text()}")


@pytest.mark.slow
def test_demo_then_its_next_steps_then_the_readme_commands(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "shipyard")
    environment = new_shell_environment(tmp_path)

    # The SQLite preset the README offers: the same steps, without a second PostgreSQL test run.
    output = shell("./scripts/demo --preset minimal", clone, environment)

    steps = printed_steps(output)
    assert steps[0] == f"cd {clone / 'demo-service'}"
    assert [step.split()[:2] for step in steps[1:]] == [["make", "test"], ["make", "run"]]
    assert "SQLite: nothing to run" in output
    done: set[tuple[Path, str]] = set()
    project = follow(steps, tmp_path, environment, done)
    assert project == clone / "demo-service"
    follow(readme_run_and_test(project / "README.md"), project, environment, done)
    assert {(project, "make run"), (project, "make test")} <= done


def plain_copier_commands(readme: str) -> tuple[list[str], str]:
    """The root README's venv block, and its non-interactive `copier copy` line."""
    section = readme[readme.index("## Plain Copier") :]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    venv = next(block for block in blocks if "python3 -m venv" in block)
    copy = next(line for block in blocks for line in block.splitlines() if "--defaults" in line)
    return [line for line in venv.splitlines() if line.strip()], copy


@pytest.mark.slow
def test_readme_plain_copier_path_works_without_pipx(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "shipyard")
    environment = {**new_shell_environment(tmp_path), "HOME": str(tmp_path / "home")}
    (tmp_path / "home").mkdir()
    venv_commands, copy = plain_copier_commands((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    work = tmp_path / "work"
    work.mkdir()

    script = "\n".join(["set -euo pipefail", *venv_commands, copy.replace("/path/to/shipyard", str(clone))])
    output = shell(script, work, environment)

    answers = yaml.safe_load((work / "orders" / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["database"] == "sqlite"
    assert "Next steps:" in output
    assert "cd orders" in output
