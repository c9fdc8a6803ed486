"""What an artifact validator is, and what validator modules share: finding tools and files, running one."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shipyard.process import Completed, run


@dataclass(frozen=True)
class ArtifactValidator:
    """A command that checks some rendered files; `files` picks them out of a project."""

    name: str
    files: Callable[[Path], list[Path]]
    command: Callable[[list[Path]], list[str]]
    install_hint: str
    # Checks richer than one command (several tools, rendered output piped on): `check(project, files)`
    # returns (passed, output) and replaces the command; `command([])[0]` still names the main tool.
    check: Callable[[Path, list[Path]], tuple[bool, str]] | None = None

    def executable(self) -> str:
        return self.command([])[0]

    def run(self, project: Path, files: list[Path]) -> tuple[bool, str]:
        """Run the check on `files` from the project root; (passed, what the tool printed).

        On failure the output ends with the command, its directory and its exit code.
        """
        if self.check is not None:
            return self.check(project, files)
        completed = run_tool(self.command(files), cwd=project)
        if completed.missing:
            return False, f"{self.executable()} is not installed: {self.install_hint}"
        if not completed.passed:
            return False, completed.failure(tail_lines=None)
        return True, completed.output


# Bounded: a hung validator fails its combination instead of holding the matrix.
TOOL_TIMEOUT_SECONDS = 600


def run_tool(command: list[str], cwd: Path | None = None) -> Completed:
    """A validator's tool, with stdout and stderr kept apart (validators parse what tools print)."""
    return run(command, cwd=cwd, timeout=TOOL_TIMEOUT_SECONDS, merge_stderr=False)


def tool(name: str) -> str:
    # Prefer the tool installed beside the running interpreter (shipyard's own venv).
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def glob(*patterns: str) -> Callable[[Path], list[Path]]:
    def find(project: Path) -> list[Path]:
        found = {path for pattern in patterns for path in project.glob(pattern)}
        return sorted(path for path in found if ".venv" not in path.parts and path.is_file())

    return find
