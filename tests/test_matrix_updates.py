"""`copier update` scenarios of the matrix, on a throwaway git copy of the template with two releases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shipyard.cli import app

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@pytest.fixture
def template_repo(template_snapshot: Path, tmp_path: Path) -> tuple[Path, str]:
    """A git copy of the template whose first commit is the "previous release"; returns (repo, its sha)."""
    repo = tmp_path / "template-repo"
    shutil.copytree(template_snapshot, repo)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "release 1")
    return repo, git(repo, "rev-parse", "HEAD")


def release(repo: Path, changes: dict[str, str], appends: dict[str, str]) -> None:
    """Commit a new template release: `changes` are new files, `appends` text added to existing ones."""
    for relative, text in changes.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text, encoding="utf-8")
    for relative, text in appends.items():
        with (repo / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "release 2")


def run_update(runner: CliRunner, repo: Path, base: str, workdir: Path, combination: str) -> dict[str, Any]:
    result = runner.invoke(
        app,
        [
            "matrix",
            "--template",
            str(repo),
            "--strategy",
            "each",
            "--updates-from",
            base,
            "--only",
            f"update:{combination}",
            "--jobs",
            "1",
            "--workdir",
            str(workdir),
            "--keep-projects",
        ],
    )
    report = json.loads((workdir / "report.json").read_text(encoding="utf-8"))
    entry: dict[str, Any] = report["combinations"][0]
    entry["exit_code"] = result.exit_code
    entry["output"] = result.stdout
    return entry


@pytest.mark.slow
def test_update_to_a_new_release_keeps_the_users_edits_and_passes_every_check(
    runner: CliRunner, template_repo: tuple[Path, str], tmp_path: Path
) -> None:
    repo, previous = template_repo
    release(
        repo,
        {"template/docs/support.md": "# Support\n\nAsk in #platform.\n"},
        {"template/Makefile": "\n# Shortcut added in release 2.\nserve: run\n"},
    )

    entry = run_update(runner, repo, previous, tmp_path / "run", "database=sqlite")

    steps = {step["name"]: step["status"] for step in entry["steps"]}
    assert entry["exit_code"] == 0, entry["output"]
    assert steps["render+update"] == steps["pytest"] == steps["mypy"] == "passed"
    project = tmp_path / "run" / "update_database_sqlite" / "project"
    assert (project / "docs" / "support.md").is_file()
    assert "serve: run" in (project / "Makefile").read_text(encoding="utf-8")
    assert "On-call rotation and escalation live in the team wiki." in (project / "README.md").read_text()
    assert "TEAM_PAGE_LIMIT = 50" in (project / "app" / "items" / "schemas.py").read_text()


def test_update_that_collides_with_the_users_edit_is_reported(
    runner: CliRunner, template_repo: tuple[Path, str], tmp_path: Path
) -> None:
    repo, previous = template_repo
    # Release 2 appends to the very lines the user appended to: copier cannot merge both silently.
    release(repo, {}, {"template/app/items/schemas.py": "\n\nDEFAULT_PAGE_LIMIT = 20\n"})

    entry = run_update(runner, repo, previous, tmp_path / "run", "database=sqlite")

    assert entry["exit_code"] == 1
    failed = [step for step in entry["steps"] if step["status"] == "failed"]
    assert [step["name"] for step in failed] == ["render+update"]
    log = Path(entry["failure_logs"]["render+update"]).read_text(encoding="utf-8")
    assert "app/items/schemas.py: leftover conflict markers" in log


@pytest.mark.slow
def test_a_toggle_switches_the_feature_back_off_and_checks_the_project_again(
    runner: CliRunner, template_repo: tuple[Path, str], tmp_path: Path
) -> None:
    repo, _ = template_repo
    workdir = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "matrix",
            "--template",
            str(repo),
            "--toggles",
            "--only",
            "toggle:metrics",
            "--workdir",
            str(workdir),
            "--keep-projects",
        ],
    )

    entry = json.loads((workdir / "report.json").read_text(encoding="utf-8"))["combinations"][0]
    steps = {step["name"]: step["status"] for step in entry["steps"]}
    assert result.exit_code == 0, result.stdout
    assert steps["render+update"] == steps["pytest"] == "passed"
    assert (
        steps["switch off"] == steps["off: uv sync"] == steps["off: mypy"] == steps["off: pytest"] == "passed"
    )
    project = workdir / "toggle_metrics" / "project"
    assert not (project / "app" / "features" / "metrics" / "__init__.py").exists()
    assert "metrics: false" in (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "prometheus-client" not in (project / "uv.lock").read_text(encoding="utf-8")
    # The team's edits made before the feature came and went are still there.
    assert "TEAM_PAGE_LIMIT = 50" in (project / "app" / "items" / "schemas.py").read_text(encoding="utf-8")
