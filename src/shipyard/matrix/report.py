"""Reports a matrix run: a line per finished combination, a summary table, a JSON file, failing output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from shipyard.matrix.run import CombinationResult

__all__ = ["CombinationResult", "print_failures", "progress_line", "summary_table", "write_report"]

STATUS_STYLE = {"passed": "green", "failed": "bold red", "skipped": "dim"}


def progress_line(result: CombinationResult, done: int, total: int) -> Text:
    status = "passed" if result.passed else "failed"
    failed = [step.name for step in result.steps if step.status == "failed"]
    detail = f" (failed: {', '.join(failed)})" if failed else ""
    return Text.assemble(
        f"[{done}/{total}] ",
        (f"{status:>6}", STATUS_STYLE[status]),
        f"  {result.combination.id}  {result.seconds:.1f}s{detail}",
    )


def summary_table(results: list[CombinationResult]) -> Table:
    """One row per combination, one column per step (result and seconds)."""
    step_names: list[str] = []
    for result in results:
        step_names += [step.name for step in result.steps if step.name not in step_names]
    table = Table(title="Matrix summary")
    table.add_column("combination")
    for name in step_names:
        table.add_column(name, justify="right")
    table.add_column("total", justify="right")
    for result in results:
        steps = {step.name: step for step in result.steps}
        cells = [
            Text(f"{steps[name].status[:4]} {steps[name].seconds:.1f}", STATUS_STYLE[steps[name].status])
            if name in steps
            else Text("-", "dim")
            for name in step_names
        ]
        table.add_row(result.combination.id, *cells, f"{result.seconds:.1f}")
    return table


def write_report(results: list[CombinationResult], workdir: Path, extra: dict[str, Any]) -> Path:
    """report.json in `workdir`, and each failing step's output in <combination>/<step>.log."""
    combinations = []
    for result in results:
        logs = {}
        for step in result.steps:
            if step.status == "failed":
                log = workdir / _safe(result.combination.id) / f"{_safe(step.name)}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                log.write_text(step.output, encoding="utf-8")
                logs[step.name] = str(log)
        combinations.append(
            {
                "id": result.combination.id,
                "answers": result.combination.answers,
                "update_from": result.combination.update_from,
                "passed": result.passed,
                "seconds": round(result.seconds, 2),
                "steps": [
                    {"name": s.name, "status": s.status, "seconds": round(s.seconds, 2)} for s in result.steps
                ],
                "failure_logs": logs,
            }
        )
    report = {
        **extra,
        "combinations": combinations,
        "passed": sum(1 for result in results if result.passed),
        "failed": sum(1 for result in results if not result.passed),
    }
    path = workdir / "report.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return path


def print_failures(results: list[CombinationResult], console: Console, lines: int = 40) -> None:
    """The tail of each failing step's output, so a CI log shows the cause without opening files."""
    for result in results:
        for step in result.steps:
            if step.status == "failed":
                tail = "\n".join(step.output.rstrip().splitlines()[-lines:])
                console.rule(Text(f"{result.combination.id}: {step.name}", "bold red"))
                console.print(Text(tail or "(no output)"), soft_wrap=True)


def _safe(name: str) -> str:
    return "".join(character if character.isalnum() or character in "-_." else "_" for character in name)
