"""Finds the template to render: a --template override, this checkout, or the copy bundled in the wheel."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from shipyard.errors import ShipyardError

PACKAGE_DIR = Path(__file__).resolve().parent
# src/shipyard -> the repository root when running from a checkout or an editable install.
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]
# Where the wheel carries copier.yml, template/ and extensions/ (hatch force-include).
BUNDLED_ROOT = PACKAGE_DIR / "_template"


@dataclass(frozen=True)
class TemplateSource:
    """What copier is given (`location`, `vcs_ref`) and a local directory holding the same revision."""

    location: str
    vcs_ref: str | None
    local_dir: Path


def default_template_dir() -> Path:
    """The checkout's template when shipyard runs from its own repository, else the bundled copy."""
    if is_template_dir(CHECKOUT_ROOT) and (CHECKOUT_ROOT / "src" / "shipyard").is_dir():
        return CHECKOUT_ROOT
    if is_template_dir(BUNDLED_ROOT):
        return BUNDLED_ROOT
    raise ShipyardError("no bundled template found in this installation; pass --template PATH_OR_URL")


def is_template_dir(path: Path) -> bool:
    return (path / "copier.yml").is_file() or (path / "copier.yaml").is_file()


@contextmanager
def open_template(override: str | None = None, vcs_ref: str | None = None) -> Iterator[TemplateSource]:
    """Yield the template to use; a remote one is cloned for reading and removed afterwards."""
    if override is None:
        yield _local_source(default_template_dir(), vcs_ref)
        return
    candidate = Path(override).expanduser()
    if candidate.is_dir():
        if not is_template_dir(candidate):
            raise ShipyardError(f"{override} is not a Copier template (no copier.yml in it)")
        yield _local_source(candidate.resolve(), vcs_ref)
        return
    if candidate.exists() or _looks_like_local_path(override):
        raise ShipyardError(f"template {override} is not a directory")
    with tempfile.TemporaryDirectory(prefix="shipyard-template-") as scratch:
        clone = Path(scratch) / "template"
        ref = _clone(override, clone, vcs_ref)
        if not is_template_dir(clone):
            raise ShipyardError(f"{override} is not a Copier template (no copier.yml in it)")
        yield TemplateSource(location=override, vcs_ref=ref, local_dir=clone)


def _local_source(path: Path, vcs_ref: str | None) -> TemplateSource:
    # Copier renders the latest tag of a git checkout unless told otherwise; a local checkout is
    # used to render what is on disk, which copier's "HEAD" does (uncommitted edits included).
    ref = vcs_ref or ("HEAD" if (path / ".git").exists() else None)
    return TemplateSource(location=str(path), vcs_ref=ref, local_dir=path)


def _looks_like_local_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~")) and "://" not in text


def _clone(url: str, destination: Path, vcs_ref: str | None) -> str | None:
    """Clone `url` and check out the revision copier would render; return that revision."""
    # Copier's "git+" prefix marks a URL as git that it would not recognise (git+file://...).
    _git("clone", "--quiet", "--", url.removeprefix("git+"), str(destination))
    ref = vcs_ref or _latest_release_tag(destination)
    if ref is not None:
        _git("-C", str(destination), "checkout", "--quiet", ref)
    return ref


def _latest_release_tag(repo: Path) -> str | None:
    # Mirrors copier's choice for an unpinned git template: the highest PEP 440 release tag.
    tags = _git("-C", str(repo), "tag", "--list").split()
    releases: list[tuple[Version, str]] = []
    for tag in tags:
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if not version.is_prerelease:
            releases.append((version, tag))
    return max(releases)[1] if releases else None


def _git(*args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *args], check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError as error:
        raise ShipyardError("git is needed to use a remote template; install git") from error
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()
        raise ShipyardError(f"git {args[0]} failed: {detail[-1] if detail else error}") from error
    return completed.stdout
