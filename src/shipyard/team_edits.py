"""What a team does to its generated repo, applied by the matrix's update scenarios before `copier update`.

- a second domain, `orders`, next to `items`: router, schemas, models, service, its own tests and
  its own Alembic migration (a branch off the items migration), registered in app/domains.py, the
  extension point copier never overwrites (the team's whole file lives in team_edit/);
- a dependency added to pyproject (email-validator; the update must keep the team's line);
- a changed default in the settings (DATABASE_STATEMENT_TIMEOUT_MS 10000 -> 5000), with the places the
  template's own tests and docs state it;
- a README section, a constant in a domain module and a line in a feature's own file.

Edits that need text a render may not have (an older release, a render without features) are
applied only where all of their anchors are; which ones were applied is recorded in the project's
`.git/` (outside the tree), so the update is checked for exactly those, and a comparison with a
fresh render looks past the edits a render could not take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FILES = Path(__file__).resolve().parent / "team_edit"
LEDGER = Path(".git") / "shipyard-team-edits.json"

APPENDS = {
    "README.md": "\n## Team notes\n\nOn-call rotation and escalation live in the team wiki.\n",
    "app/items/schemas.py": (
        "\n\n# Team rule: list pages stay short enough to review by eye.\nTEAM_PAGE_LIMIT = 50\n"
    ),
}
FEATURE_LINE = "\n\n# Team: reviewed for the orders launch; questions to the platform on-call.\n"


@dataclass(frozen=True)
class Replacement:
    path: str
    old: str
    new: str


@dataclass(frozen=True)
class EditGroup:
    """Replacements applied all together, or (when one anchor is missing) not at all."""

    name: str
    replacements: tuple[Replacement, ...]


OPTIONAL_GROUPS = (
    EditGroup(
        "dependency",
        (
            Replacement(
                "pyproject.toml",
                "    \"uvloop>=0.21; sys_platform != 'win32'\",\n",
                '    "uvloop>=0.21; sys_platform != \'win32\'",\n    "email-validator>=2.2",\n',
            ),
        ),
    ),
    EditGroup(
        "settings default",
        (
            Replacement(
                "app/core/settings.py",
                "    statement_timeout_ms: NonNegativeInt = 10000\n",
                "    statement_timeout_ms: NonNegativeInt = 5000\n",
            ),
            Replacement(
                "tests/core/test_settings.py",
                "assert database.statement_timeout_ms == 10000\n",
                "assert database.statement_timeout_ms == 5000\n",
            ),
            Replacement(
                ".env.example",
                "# optional (default: 10000)\nDATABASE_STATEMENT_TIMEOUT_MS=10000\n",
                "# optional (default: 5000)\nDATABASE_STATEMENT_TIMEOUT_MS=5000\n",
            ),
            Replacement(
                "docs/configuration.md",
                "| `DATABASE_STATEMENT_TIMEOUT_MS` | no | `10000` |",
                "| `DATABASE_STATEMENT_TIMEOUT_MS` | no | `5000` |",
            ),
        ),
    ),
)


def added_files() -> dict[str, str]:
    """The files the team writes, by path in the project (app/domains.py rewritten whole)."""
    return {
        str(path.relative_to(FILES)): path.read_text(encoding="utf-8")
        for path in sorted(FILES.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def apply(project: Path) -> list[str]:
    """Make the team's edits in `project`; returns (and records in .git/) the optional ones made."""
    for relative, text in added_files().items():
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for relative, addition in APPENDS.items():
        with (project / relative).open("a", encoding="utf-8") as handle:
            handle.write(addition)
    applied = []
    for group in OPTIONAL_GROUPS:
        if all(_count(project, replacement) == 1 for replacement in group.replacements):
            for replacement in group.replacements:
                path = project / replacement.path
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace(replacement.old, replacement.new), encoding="utf-8")
            applied.append(group.name)
    feature = feature_file(project)
    if feature is not None:
        with (project / feature).open("a", encoding="utf-8") as handle:
            handle.write(FEATURE_LINE)
        applied.append(f"feature:{feature}")
    if (project / ".git").is_dir():
        (project / LEDGER).write_text(json.dumps(applied), encoding="utf-8")
    return applied


def feature_file(project: Path) -> str | None:
    """The first feature package's __init__.py, when the render has any feature package."""
    packages = sorted((project / "app" / "features").glob("*/__init__.py"))
    return str(packages[0].relative_to(project)) if packages else None


def lost_edits(project: Path) -> list[str]:
    """The team's edits that are no longer in `project` (after an update), one line each."""
    problems = []
    for relative, text in added_files().items():
        path = project / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{relative}: the team's file was lost or changed")
    for relative, addition in APPENDS.items():
        if addition.strip() not in (project / relative).read_text(encoding="utf-8"):
            problems.append(f"{relative}: the user's edit was lost")
    recorded = (
        json.loads((project / LEDGER).read_text(encoding="utf-8")) if (project / LEDGER).is_file() else []
    )
    for group in OPTIONAL_GROUPS:
        if group.name in recorded:
            problems += [
                f"{replacement.path}: the team's {group.name} edit was lost"
                for replacement in group.replacements
                if _count(project, replacement, replacement.new) == 0
            ]
    for name in recorded:
        if name.startswith("feature:"):
            path = project / name.removeprefix("feature:")
            if path.is_file() and FEATURE_LINE.strip() not in path.read_text(encoding="utf-8"):
                problems.append(f"{path.relative_to(project)}: the team's line in the feature was lost")
    return problems


def without_edits(relative: str, text: str) -> str:
    """`text` of `relative` with the optional edits undone, to compare renders that differ in them."""
    for group in OPTIONAL_GROUPS:
        for replacement in group.replacements:
            if replacement.path == relative:
                text = text.replace(replacement.new, replacement.old)
    if relative.startswith("app/features/"):
        text = text.replace(FEATURE_LINE, "")
    return text


def _count(project: Path, replacement: Replacement, text: str | None = None) -> int:
    path = project / replacement.path
    if not path.is_file():
        return 0
    return path.read_text(encoding="utf-8").count(text if text is not None else replacement.old)
