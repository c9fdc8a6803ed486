"""The `shipyard` command line: new, features and check, wired to the modules that do the work."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from shipyard import __version__, features, presets, readiness
from shipyard.check import check_project
from shipyard.errors import ShipyardError, user_errors
from shipyard.matrix.command import matrix
from shipyard.new import check_destination, render
from shipyard.questions import Question, load_questions, parse_assignments
from shipyard.template_source import open_template
from shipyard.update_command import add, remove, upgrade

app = typer.Typer(
    name="shipyard",
    help="Generate production-ready FastAPI backend repositories and verify them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

TemplateOption = Annotated[
    str | None,
    typer.Option(
        "--template",
        "-t",
        metavar="PATH_OR_URL",
        help="Template to use instead of the one shipped with shipyard (a directory or a git URL).",
    ),
]


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"shipyard {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Generate production-ready FastAPI backend repositories and verify them."""


@app.command()
def new(
    destination: Annotated[
        Path, typer.Argument(metavar="DEST", help="Directory to create (must not exist or be empty).")
    ],
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            "-p",
            metavar="NAME",
            help=f"Start from a preset: {', '.join(presets.load_presets())}.",
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", metavar="KEY=VALUE", help="Answer a question; repeatable."),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Ask nothing: unanswered questions take their defaults.")
    ] = False,
    template: TemplateOption = None,
    vcs_ref: Annotated[
        str | None, typer.Option("--vcs-ref", metavar="REV", help="Git revision of the template to render.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list the files created.")] = False,
) -> None:
    """Generate a new service repository in DEST."""
    with user_errors():
        check_destination(destination)
        chosen = presets.get_preset(preset) if preset is not None else None
        interactive = not defaults and stdin_is_terminal()
        with open_template(template, vcs_ref) as source:
            questions = load_questions(source.local_dir)
            if chosen is None and interactive:
                chosen = presets.ask_for_preset(presets.load_presets())
            answers = collect_answers(questions, chosen, data or [])
            unanswered = [name for name in questions if name not in answers]
            if unanswered and not defaults and not interactive:
                raise ShipyardError(
                    "stdin is not a terminal, so questions cannot be asked; pass --defaults "
                    f"(and --preset/--data to choose answers) or answer {', '.join(unanswered)} with --data"
                )
            next_steps = render(destination, source, answers, defaults=defaults, quiet=quiet)
    # Without --quiet copier printed copier.yml's next steps itself; with it, they come back to print.
    if next_steps:
        typer.echo(next_steps)


def collect_answers(
    questions: Mapping[str, Question], preset: presets.Preset | None, assignments: list[str]
) -> dict[str, Any]:
    """The preset's answers overlaid with --data, all checked against copier.yml's questions."""
    answers: dict[str, Any] = {}
    if preset is not None:
        presets.check_preset(preset, questions)
        answers.update(preset.answers)
    answers.update(parse_assignments(assignments, questions))
    return answers


@app.command("features")
def list_features(
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output as a table or as JSON.")
    ] = "table",
    template: TemplateOption = None,
) -> None:
    """List the questions a service is generated from, with what each answer adds."""
    renderers: dict[str, Callable[[dict[str, Any]], None]] = {
        "table": lambda description: features.render_table(description, Console()),
        "json": lambda description: typer.echo(features.render_json(description)),
    }
    with user_errors():
        if output_format not in renderers:
            raise ShipyardError(f"unknown format {output_format!r}; choose table or json")
        with open_template(template) as source:
            description = features.describe(
                load_questions(source.local_dir), features.load_manifests(source.local_dir)
            )
        renderers[output_format](description)


@app.command("readiness")
def show_readiness(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A repository generated by shipyard.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="table|json", help="Output as a table or as JSON.")
    ] = "table",
) -> None:
    """Show PRODUCTION-READINESS.md's items for DIR; exit 1 when a test claimed as proof is missing."""
    with user_errors():
        if output_format not in ("table", "json"):
            raise ShipyardError(f"unknown format {output_format!r}; choose table or json")
        rows = readiness.load_rows(directory)
        missing = readiness.missing_proofs(directory, rows)
        if output_format == "json":
            typer.echo(readiness.render_json(rows, missing))
        else:
            readiness.render_table(rows, missing, Console(width=160))
    if missing:
        raise typer.Exit(1)


@app.command()
def check(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A repository generated by shipyard.")],
    keep_going: Annotated[
        bool, typer.Option("--keep-going", "-k", help="Run every step even after one fails.")
    ] = False,
) -> None:
    """Verify a generated repo: uv sync, ruff format --check, ruff check, mypy, pytest."""
    with user_errors():
        passed = check_project(directory, Console(), keep_going=keep_going)
    if not passed:
        raise typer.Exit(1)


app.command("matrix")(matrix)
app.command("add")(add)
app.command("remove")(remove)
app.command("upgrade")(upgrade)
