"""What an artifact validator is, and the helpers the validator modules use to find tools and files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


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
        """Run the check on `files` from the project root; (passed, what the tool printed)."""
        if self.check is not None:
            return self.check(project, files)
        returncode, output = run_tool(self.command(files), cwd=project)
        if returncode == NOT_INSTALLED:
            return False, f"{self.executable()} is not installed: {self.install_hint}"
        return returncode == 0, output


NOT_INSTALLED = 127


def run_tool(command: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """(exit code, output) of a tool; NOT_INSTALLED when it is missing. Bounded: no hung validator."""
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
    except FileNotFoundError:
        return NOT_INSTALLED, f"{command[0]} is not installed"
    return completed.returncode, completed.stdout + completed.stderr


def tool(name: str) -> str:
    # Prefer the tool installed beside the running interpreter (shipyard's own venv).
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def glob(*patterns: str) -> Callable[[Path], list[Path]]:
    def find(project: Path) -> list[Path]:
        found = {path for pattern in patterns for path in project.glob(pattern)}
        return sorted(path for path in found if ".venv" not in path.parts and path.is_file())

    return find
