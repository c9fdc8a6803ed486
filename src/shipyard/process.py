"""Runs one command and says how it ended: used by verify's steps, the artifact validators and the matrix.

Each command gets its own process group: `uv run` and copier start children of their own, and a timeout
or Ctrl-C must end all of them, not leave a pytest running behind the caller. A failure reads the same
everywhere: the tail of the output, then one line naming the command, where it ran and how it ended.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TIMED_OUT = 124  # what coreutils `timeout` exits with
NOT_FOUND = 127  # what a shell exits with for a command it cannot find
FAILURE_TAIL_LINES = 40
# A validator's command lists every file it checks; past this the summary line shows the start only.
SHOWN_COMMAND_CHARACTERS = 400


@dataclass(frozen=True)
class Completed:
    """What a command did. With stderr merged (the default) `stderr` is empty and `stdout` holds both."""

    command: tuple[str, ...]
    cwd: Path | None
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timeout: float | None = None  # set when the command ran longer than this and was killed
    missing: bool = False  # the executable was not found: returncode is NOT_FOUND

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        text = self.stdout + self.stderr
        return text if self.timeout is None else f"{text}\ntimed out after {self.timeout:.0f}s"

    def summary(self) -> str:
        """One line: the command, where it ran, and how it ended."""
        shown = shlex.join(self.command).replace("\n", "\\n")  # one line, even for `python -c` code
        if len(shown) > SHOWN_COMMAND_CHARACTERS:
            shown = shown[:SHOWN_COMMAND_CHARACTERS] + " ..."
        where = "" if self.cwd is None else f" (in {self.cwd})"
        if self.missing:
            ending = f"could not start: {self.command[0]} is not installed"
        elif self.timeout is not None:
            ending = f"timed out after {self.timeout:.0f}s and was killed"
        else:
            ending = f"exited with code {self.returncode}"
        return f"`{shown}`{where} {ending}"

    def failure(self, tail_lines: int | None = FAILURE_TAIL_LINES) -> str:
        """The output (its last `tail_lines` lines; None: all of it), then the summary as the last line.

        Last, because logs are read from the bottom: a CI log or a report tail then shows the cause.
        """
        lines = self.output.rstrip().splitlines()
        shown = lines if tail_lines is None else lines[-tail_lines:]
        skipped = f"[... {len(lines) - len(shown)} earlier lines]\n" if len(shown) < len(lines) else ""
        body = "\n".join(shown) if shown else "(no output)"
        return f"{skipped}{body}\n{self.summary()}"


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    merge_stderr: bool = True,
) -> Completed:
    """Run `command` with no stdin and its output captured; never raises for how the command ended.

    `env` None inherits the caller's environment. `merge_stderr=False` keeps stderr apart, for callers
    that parse what a tool prints on stdout. A missing executable gives `missing` (exit code 127); a
    missing `cwd` is the caller's bug and raises.
    """
    argv = tuple(str(part) for part in command)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except FileNotFoundError as error:
        if error.filename != argv[0]:
            raise  # the working directory does not exist
        message = f"{argv[0]} is not installed"
        return Completed(argv, cwd, NOT_FOUND, "", message, time.monotonic() - started, missing=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        return Completed(
            argv, cwd, TIMED_OUT, stdout, stderr or "", time.monotonic() - started, timeout=timeout
        )
    except BaseException:
        _kill_group(process)
        raise
    return Completed(argv, cwd, process.returncode, stdout, stderr or "", time.monotonic() - started)


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
