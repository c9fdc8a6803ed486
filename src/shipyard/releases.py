"""The template's releases: git tags `vMAJOR.MINOR.PATCH` and their CHANGELOG.md entries.

`shipyard upgrade` lists the releases between a project's recorded revision and the target with the
entry CHANGELOG.md (at the target) gives each; docs/releases.md describes the scheme.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

# "## v0.2.0 - 2026-12-01" (any dash); "## Unreleased" is the section for what has no tag yet.
HEADING = re.compile(r"^## +(?P<name>\S+)")


@dataclass(frozen=True)
class Release:
    tag: str
    entry: str  # the CHANGELOG text under its heading, or "" when it has none


def release_tags(repo: Path) -> list[str]:
    """The repo's release tags (PEP 440, no pre-releases) oldest first, as copier orders them."""
    found: list[tuple[Version, str]] = []
    for tag in _git(repo, "tag", "--list").split():
        try:
            version = Version(tag)
        except InvalidVersion:
            continue
        if not version.is_prerelease:
            found.append((version, tag))
    return [tag for _, tag in sorted(found)]


def latest_release(repo: Path) -> str | None:
    tags = release_tags(repo)
    return tags[-1] if tags else None


def releases_between(repo: Path, old: str | None, new: str) -> list[Release]:
    """Releases contained in `new` but not in `old` (oldest first), each with its changelog entry."""
    entries = changelog_entries(_changelog_at(repo, new))
    between = []
    for tag in release_tags(repo):
        if not _is_ancestor(repo, tag, new):
            continue
        if old is not None and _is_ancestor(repo, tag, _commit_of(old)):
            continue
        between.append(Release(tag, entries.get(tag, "")))
    return between


def changelog_entries(text: str) -> dict[str, str]:
    """CHANGELOG.md's sections by heading name (`v0.2.0`, `Unreleased`)."""
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            current = entries.setdefault(match["name"], [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines).strip() for name, lines in entries.items()}


def _commit_of(described: str) -> str:
    # copier records `git describe --tags --always`: "v0.1.0", "v0.1.0-3-gabc1234" or "abc1234".
    match = re.fullmatch(r".+-\d+-g(?P<sha>[0-9a-f]+)", described)
    return match["sha"] if match else described


def _changelog_at(repo: Path, ref: str) -> str:
    completed = _run(repo, "show", f"{ref}:CHANGELOG.md")
    if completed.returncode == 0:
        return completed.stdout
    path = repo / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _is_ancestor(repo: Path, ancestor: str, descendant: str) -> bool:
    return _run(repo, "merge-base", "--is-ancestor", ancestor, descendant).returncode == 0


def _git(repo: Path, *args: str) -> str:
    completed = _run(repo, *args)
    return completed.stdout if completed.returncode == 0 else ""


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
