"""Runs copier's update on a generated repo (or, for --dry-run, on a throwaway clone of it).

`shipyard add`, `remove` and `upgrade` all come here: copier re-renders the template at the
project's recorded revision (or a newer one) with the new answers and merges the team's edits in.
The git tree must be clean, so afterwards `git status` is exactly what the update did; a dry run
does the same in a temporary clone and reports that clone's status, leaving the project untouched.
"""

from __future__ import annotations

import subprocess
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from copier import VcsRef, run_update
from copier.errors import CopierAnswersInterrupt, DirtyLocalWarning, UserMessageError

from shipyard.errors import ShipyardError
from shipyard.new import _without_copier_prefix

ANSWERS_FILE = ".copier-answers.yml"
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")


@dataclass(frozen=True)
class Project:
    """A generated repo as its answers file describes it."""

    path: Path
    answers: dict[str, Any]
    template: str  # copier's _src_path
    commit: str | None  # copier's _commit: the template revision it was last rendered from


@dataclass
class Outcome:
    """What an update did to the tree, from `git status` of the repo it ran in."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (file, how to resolve it)

    @property
    def touched(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def read_project(path: Path) -> Project:
    answers_path = path / ANSWERS_FILE
    if not answers_path.is_file():
        raise ShipyardError(f"{path} is not a generated repo (no {ANSWERS_FILE}); run this in one")
    recorded = yaml.safe_load(answers_path.read_text(encoding="utf-8")) or {}
    template = recorded.get("_src_path")
    if not template:
        raise ShipyardError(f"{answers_path} does not name its template (_src_path); cannot update")
    return Project(
        path=path,
        answers={name: value for name, value in recorded.items() if not name.startswith("_")},
        template=str(template),
        commit=str(recorded["_commit"]) if recorded.get("_commit") else None,
    )


def require_clean_tree(path: Path) -> None:
    """Copier merges through git: refuse a repo that is not one, or has uncommitted changes."""
    inside = _git(path, "rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0:
        raise ShipyardError(f"{path.resolve()} is not a git repository; run git init and commit it first")
    status = _git(path, "status", "--porcelain", "--untracked-files=all").stdout
    if status.strip():
        count = len(status.splitlines())
        raise ShipyardError(
            f"{path.resolve()} has {count} uncommitted change(s); commit or stash them first, so the update "
            "can be reviewed and undone with git"
        )


def update(project: Project, data: Mapping[str, Any], vcs_ref: str | None, *, dry_run: bool) -> Outcome:
    """Run the update (add/remove: `vcs_ref` None keeps the recorded revision) and report it."""
    if not dry_run:
        _run_copier(project.path, data, vcs_ref)
        return outcome(project.path)
    with tempfile.TemporaryDirectory(prefix="shipyard-dry-run-") as scratch:
        clone = Path(scratch) / project.path.name
        _git(Path(scratch), "clone", "--quiet", "--no-hardlinks", str(project.path.resolve()), str(clone))
        _run_copier(clone, data, vcs_ref)
        return outcome(clone)


def outcome(repo: Path) -> Outcome:
    """Classify `git status` against the last commit; conflict markers and .rej files are conflicts."""
    result = Outcome()
    status = _git(repo, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames").stdout
    for entry in filter(None, status.split("\0")):
        code, relative = entry[:2], entry[3:]
        if relative.endswith(".rej"):
            target = relative.removesuffix(".rej")
            result.conflicts.append(
                (
                    target,
                    f"copier could not apply part of the change: merge {relative} into {target} "
                    f"by hand, then delete {relative}",
                )
            )
            continue
        if "D" in code:
            result.removed.append(relative)
        elif code == "??" or "A" in code:
            result.added.append(relative)
        else:
            result.changed.append(relative)
        if "D" not in code and _has_markers(repo / relative):
            result.conflicts.append(
                (relative, "keep what you want between the <<<<<<< and >>>>>>> lines, delete the markers")
            )
    return result


def _has_markers(path: Path) -> bool:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
        return False
    return any(line.startswith(CONFLICT_MARKERS) for line in lines)


def _run_copier(repo: Path, data: Mapping[str, Any], vcs_ref: str | None) -> None:
    try:
        with warnings.catch_warnings():
            # An unreleased local template checkout is the normal way to work on shipyard.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            run_update(
                repo,
                data=dict(data),
                vcs_ref=vcs_ref if vcs_ref is not None else VcsRef.CURRENT,
                defaults=True,  # questions not in `data` keep their recorded answers
                skip_answered=True,
                overwrite=True,
                conflict="inline",
                unsafe=True,  # the template's Jinja extensions are its own code, shipped with shipyard
                quiet=True,
            )
    except (CopierAnswersInterrupt, KeyboardInterrupt) as error:
        raise ShipyardError("aborted by the user") from error
    except (UserMessageError, ValueError) as error:
        raise ShipyardError(_without_copier_prefix(str(error))) from error


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
        )
    except FileNotFoundError as error:
        raise ShipyardError("git is needed to update a generated repo; install git") from error
    if check and completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        raise ShipyardError(
            f"git {args[0]} failed in {cwd}: {detail[-1] if detail else completed.returncode}"
        )
    return completed
