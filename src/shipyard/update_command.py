"""`shipyard add`, `remove` and `upgrade`: change a generated repo's answers or template release.

Each checks the answers against copier.yml (answer_changes), refuses a dirty tree, runs copier's
update (project_update) with a progress line, then prints a table of the files added, removed,
changed and in conflict, and the next command. Exit 3 when conflicts remain to be resolved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from shipyard import answer_changes, project_update, releases
from shipyard.errors import user_errors
from shipyard.questions import load_questions, question_specs
from shipyard.template_source import open_template

CONFLICT_EXIT_CODE = 3

DirOption = Annotated[
    Path,
    typer.Option("--dir", "-C", metavar="DIR", help="The generated repo (default: the current directory)."),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show which files would change; touch nothing.")
]


def add(
    features: Annotated[
        list[str],
        typer.Argument(metavar="FEATURE[=VALUE]...", help="Features to add, e.g. metrics cache=redis."),
    ],
    directory: DirOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """Add features to a generated repo (copier update with the new answers)."""
    _change_answers(directory, features, answer_changes.additions, dry_run)


def remove(
    features: Annotated[
        list[str], typer.Argument(metavar="FEATURE...", help="Features to remove, e.g. tracing.")
    ],
    directory: DirOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """Remove features from a generated repo (copier update with them answered off)."""
    _change_answers(directory, features, answer_changes.removals, dry_run)


def upgrade(
    to: Annotated[
        str | None,
        typer.Option(
            "--to", metavar="REF", help="Template release (tag) or revision; default: the latest release."
        ),
    ] = None,
    directory: DirOption = Path(),
    dry_run: DryRunOption = False,
) -> None:
    """Bring a generated repo to a newer template release, keeping its answers and edits."""
    console = Console()
    with user_errors():
        project = project_update.read_project(directory)
        project_update.require_clean_tree(directory)
        with open_template(project.template) as source:
            repo = source.local_dir
            target = to or releases.latest_release(repo) or "HEAD"
            between = releases.releases_between(repo, project.commit, target)
        console.print(f"Upgrading from {project.commit or 'an unknown revision'} to {target}")
        if between:
            for release in between:
                console.print(f"\n[bold]{release.tag}[/bold]")
                console.print(release.entry or "(no CHANGELOG.md entry)", markup=False, highlight=False)
        else:
            console.print("No release tags between them (see the template's CHANGELOG.md).")
        with console.status(f"copier: rendering {target} and merging your edits..."):
            result = project_update.update(project, {}, target, dry_run=dry_run)
    _report(console, result, dry_run)


def _change_answers(directory: Path, features: list[str], parse: Any, dry_run: bool) -> None:
    console = Console()
    with user_errors():
        project = project_update.read_project(directory)
        project_update.require_clean_tree(directory)
        with open_template(project.template, _readable_ref(project)) as source:
            questions = load_questions(source.local_dir)
            specs = question_specs(source.local_dir)
        changes = parse(features, questions)
        answer_changes.check_answers(specs, project.answers, changes, questions)
        changed = answer_changes.changed_features(project.answers, changes)
        if not changed:
            console.print("Nothing to do: the project already answers " + _describe(changes))
            return
        console.print(f"Changing {_describe(changed)}")
        with console.status("copier: rendering both answer sets and merging your edits..."):
            result = project_update.update(project, changes, None, dry_run=dry_run)
    _report(console, result, dry_run)


def _readable_ref(project: project_update.Project) -> str | None:
    # copier.yml as of the project's revision (a remote template is cloned at it); a local template
    # is read as it is on disk, which is how copier renders an unreleased checkout too.
    return project.commit if "://" in project.template or project.template.startswith("git@") else None


def _describe(changes: dict[str, Any]) -> str:
    return ", ".join(
        f"{name}={str(value).lower() if isinstance(value, bool) else value}"
        for name, value in changes.items()
    )


def _report(console: Console, result: project_update.Outcome, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    table = Table(title=f"Files that {verb} changed" + (" (dry run: nothing was touched)" if dry_run else ""))
    table.add_column("change")
    table.add_column("files", justify="right")
    table.add_column("paths")
    conflicted = [path for path, _ in result.conflicts]
    for label, paths in (
        ("added", result.added),
        ("removed", result.removed),
        ("changed", result.changed),
        ("in conflict", conflicted),
    ):
        table.add_row(label, str(len(paths)), "\n".join(paths))
    console.print(table)
    for path, advice in result.conflicts:
        console.print(f"conflict: {path}: {advice}", markup=False, highlight=False, soft_wrap=True)
    if dry_run:
        console.print("Run the same command without --dry-run to apply it.")
        return
    if result.conflicts:
        console.print(
            f"{len(result.conflicts)} conflict(s) to resolve (git diff shows them); "
            "then commit and run: shipyard check .",
            soft_wrap=True,
        )
        raise typer.Exit(CONFLICT_EXIT_CODE)
    console.print("Review with git diff, commit, then run: shipyard check .", soft_wrap=True)
