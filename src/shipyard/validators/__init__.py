"""Validators for the files a render produces, by area; the matrix runs those whose files exist.

Each validator names the files it applies to, so a validator joins the matrix when the feature
rendering its artifact lands: add it to the module of its area.
"""

from __future__ import annotations

from pathlib import Path

from shipyard.validators import deploy, general, monitoring, operations
from shipyard.validators.base import ArtifactValidator

VALIDATORS: tuple[ArtifactValidator, ...] = (
    *general.VALIDATORS,
    *deploy.VALIDATORS,
    *monitoring.VALIDATORS,
    *operations.VALIDATORS,
)


def applicable(project: Path) -> list[tuple[ArtifactValidator, list[Path]]]:
    """The validators with at least one file to check in this project, with those files."""
    return [(validator, files) for validator in VALIDATORS if (files := validator.files(project))]
