"""`shipyard matrix`: plan the combinations from copier.yml, list them, or run them in parallel."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shipyard import process
from shipyard.errors import ShipyardError, user_errors
from shipyard.matrix import faults, report, scenarios
from shipyard.matrix.plan import STRATEGIES, plan, refusal_checker
from shipyard.matrix.run import Combination, MatrixSettings, run_matrix
from shipyard.questions import question_specs
from shipyard.template_source import open_template


def matrix(
    strategy: Annotated[
        str, typer.Option("--strategy", "-s", metavar="|".join(STRATEGIES), help="Which combinations.")
    ] = "pairwise",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Combinations run in parallel.")] = 2,
    list_only: Annotated[bool, typer.Option("--list", help="Print the combinations and exit.")] = False,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output of --list.")
    ] = "table",
    only: Annotated[
        list[str] | None, typer.Option("--only", metavar="ID", help="Run only this combination; repeatable.")
    ] = None,
    updates_from: Annotated[
        str | None,
        typer.Option(
            "--updates-from",
            metavar="REV",
            help="Run each combination as an update: render REV, edit, copier update to HEAD, then check.",
        ),
    ] = None,
    toggles: Annotated[
        bool, typer.Option("--toggles", help="Also switch each feature on and off with copier update.")
    ] = False,
    all_tests: Annotated[
        bool,
        typer.Option(
            "--all-tests",
            help="Run the generated suite's fault tests (and coverage) in every combination, "
            "not only in the covering subset.",
        ),
    ] = False,
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="Where projects, logs and report.json go.")
    ] = None,
    keep_projects: Annotated[
        bool, typer.Option("--keep-projects", help="Keep passing projects too (failing ones are kept).")
    ] = False,
    checks_in_order: Annotated[
        bool,
        typer.Option(
            "--checks-in-order",
            help="Run each combination's checks one after another even when cores are spare.",
        ),
    ] = False,
    template: Annotated[
        str | None, typer.Option("--template", "-t", metavar="PATH", help="Template checkout to prove.")
    ] = None,
) -> None:
    """Prove combinations of answers: render, lint, type-check, test and validate each one."""
    # CI logs are not terminals; give the per-step table room instead of rich's 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=220)
    with user_errors():
        if output_format not in {"table", "json"}:
            raise ShipyardError(f"unknown format {output_format!r}; choose table or json")
        with open_template(template) as source:
            specs = question_specs(source.local_dir)
            try:
                planned = plan(strategy, specs)
            except ValueError as error:
                raise ShipyardError(str(error)) from None
            # An update scenario checks everything a plain render does (its result must equal a fresh
            # render plus the user's edits), so with --updates-from it replaces the plain run.
            if updates_from:
                combinations = scenarios.updates(planned, updates_from)
            else:
                combinations = scenarios.plain(planned)
            if toggles:
                combinations += scenarios.toggles(planned, refusal_checker(specs))
            # Chosen before --only, so a combination run alone runs what it runs in the whole matrix.
            if not all_tests:
                combinations = faults.assign_fault_tests(combinations, planned.axes)
            try:
                combinations = scenarios.select(combinations, only or [])
            except KeyError as error:
                raise ShipyardError(str(error.args[0])) from None
            if list_only:
                _print_listing(combinations, planned.unsupported, output_format, console)
                return
            if (updates_from or toggles) and _has_uncommitted_changes(source.local_dir):
                raise ShipyardError(
                    f"{source.local_dir} has uncommitted changes; commit them first (update and toggle "
                    "scenarios record the template revision, which must exist in git)"
                )
            directory = workdir or Path(tempfile.mkdtemp(prefix="shipyard-matrix-"))
            settings = MatrixSettings(
                template=source.location,
                template_dir=source.local_dir,
                workdir=directory.resolve(),
                keep_projects=keep_projects,
                checks_side_by_side=False if checks_in_order else None,
            )
            results = _run_with_progress(combinations, settings, jobs, console)
    console.print(report.summary_table(results))
    report_file = report.write_report(results, settings.workdir, {"strategy": strategy, "jobs": jobs})
    report.print_failures(results, console)
    failed = sum(1 for result in results if not result.passed)
    console.print(f"{len(results) - failed} passed, {failed} failed; report: {report_file}")
    if failed:
        raise typer.Exit(1)


def _has_uncommitted_changes(template_dir: Path) -> bool:
    if not (template_dir / ".git").exists():
        return False
    status = process.run(["git", "status", "--porcelain"], cwd=template_dir, merge_stderr=False)
    return bool(status.stdout.strip())


def _run_with_progress(
    combinations: list[Combination], settings: MatrixSettings, jobs: int, console: Console
) -> list[report.CombinationResult]:
    console.print(f"Running {len(combinations)} combinations, {jobs} at a time, in {settings.workdir}")
    done = 0
    lock = threading.Lock()

    def finished(result: report.CombinationResult) -> None:
        nonlocal done
        with lock:
            done += 1
            console.print(report.progress_line(result, done, len(combinations)))

    return run_matrix(combinations, settings, jobs, on_finish=finished)


def _print_listing(
    combinations: list[Combination],
    unsupported: list[tuple[dict[str, object], str]],
    output_format: str,
    console: Console,
) -> None:
    if output_format == "json":
        typer.echo(json.dumps(scenarios.as_listing(combinations), indent=2))
        return
    for combination in combinations:
        suite = "" if combination.fault_tests else "  (pytest -m 'not fault', no coverage)"
        console.print(f"{combination.id}{suite}", highlight=False, soft_wrap=True)
    for answers, reason in unsupported:
        console.print(
            f"unsupported (refused by copier.yml): {answers}: {reason}",
            style="dim",
            highlight=False,
            soft_wrap=True,
        )
