"""`shipyard add / remove / upgrade` on real renders in real git repos (tmp dirs).

The template is a tagged git copy of this checkout (v0.1.0, then a v0.2.0 with a changelog entry and
one changed template file), so upgrade has releases to list and copier renders exact revisions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from shipyard import cli, releases, team_edits

REPO_ROOT = Path(__file__).resolve().parents[1]
IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}
V2_NOTE = "Upgrade note written for v0.2.0."
DOMAINS_V2_LINE = "# Release 0.2.0 changed this file."


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **IDENTITY}, capture_output=True, text=True, check=True
    )
    return completed.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "--message", message)


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git template with tags v0.1.0 and v0.2.0 (v0.2.0 adds a README line to every render)."""
    repo = tmp_path_factory.mktemp("template-repo")
    shutil.copy2(REPO_ROOT / "copier.yml", repo / "copier.yml")
    for folder in ("template", "extensions"):
        shutil.copytree(REPO_ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## v0.1.0 - 2026-11-23\n\nFirst.\n", encoding="utf-8")
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "v0.1.0")
    git(repo, "tag", "v0.1.0")
    # At the top: a team's own README section goes at the end, and must not collide with this.
    readme = repo / "template" / "README.md.jinja"
    readme.write_text("Added by release 0.2.0.\n\n" + readme.read_text(encoding="utf-8"), encoding="utf-8")
    # A release that changes the team-owned file: projects keep theirs (copier's _skip_if_exists).
    with (repo / "template" / "app" / "domains.py").open("a", encoding="utf-8") as domains:
        domains.write(f"\n{DOMAINS_V2_LINE}\n")
    (repo / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## v0.2.0 - 2026-12-01\n\n{V2_NOTE}\n\n## v0.1.0 - 2026-11-23\n\nFirst.\n",
        encoding="utf-8",
    )
    commit_all(repo, "v0.2.0")
    git(repo, "tag", "v0.2.0")
    return repo


def generate(template: Path, destination: Path, *data: str, ref: str = "v0.1.0") -> Path:
    arguments = ["new", str(destination), "--defaults", "--quiet", "--template", str(template)]
    arguments += ["--vcs-ref", ref]
    for item in data:
        arguments += ["--data", item]
    result = CliRunner().invoke(cli.app, arguments)
    assert result.exit_code == 0, result.output
    git(destination, "init", "--quiet", "--initial-branch=main")
    commit_all(destination, "Generated")
    return destination


def run(project: Path, *arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.app, [*arguments, "--dir", str(project)])
    return result.exit_code, result.stdout, result.stderr


def answers(project: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return loaded


def status(project: Path) -> str:
    return git(project, "status", "--porcelain", "--untracked-files=all")


def test_add_dry_run_lists_the_files_and_touches_nothing(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    code, out, _ = run(project, "add", "metrics", "--dry-run")
    assert code == 0, out
    assert "app/features/metrics/__init__.py" in out
    assert "pyproject.toml" in out
    assert "nothing was touched" in out
    assert status(project) == ""
    assert not (project / "app" / "features" / "metrics").exists()


def test_add_then_remove_reports_and_keeps_the_team_edit(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    with (project / "app" / "items" / "schemas.py").open("a", encoding="utf-8") as handle:
        handle.write("\nTEAM_LIMIT = 5\n")
    commit_all(project, "Team edit")
    code, out, _ = run(project, "add", "cache", "metrics")
    assert code == 0, out
    assert "app/features/metrics/__init__.py" in out
    assert "shipyard check ." in out
    assert answers(project)["cache"] == "redis"
    assert (project / "app" / "features" / "metrics" / "__init__.py").is_file()
    commit_all(project, "Add cache and metrics")

    code, out, _ = run(project, "remove", "metrics")
    assert code == 0, out
    assert "removed" in out
    assert not (project / "app" / "features" / "metrics").exists()
    assert answers(project)["metrics"] is False
    assert "TEAM_LIMIT = 5" in (project / "app" / "items" / "schemas.py").read_text(encoding="utf-8")


def test_a_dirty_tree_is_refused_in_one_line(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    (project / "notes.txt").write_text("uncommitted\n", encoding="utf-8")
    code, _, err = run(project, "add", "metrics")
    assert code == 2
    assert err.count("\n") == 1
    assert "uncommitted change" in err and "commit or stash" in err


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("add", "monitoring"), "monitoring needs metrics"),
        (("add", "metrics=maybe"), "expected true or false"),
        (("add", "rate_limit"), "rate_limit=VALUE"),
        (("add", "nonsense"), "unknown question 'nonsense'"),
        (("remove", "database"), "database cannot be removed"),
    ],
)
def test_refused_answers_say_why(
    template_repo: Path, tmp_path: Path, arguments: tuple[str, ...], fragment: str
) -> None:
    project = generate(template_repo, tmp_path / "svc")
    code, _, err = run(project, *arguments)
    assert code == 2
    assert fragment in err
    assert status(project) == ""


def test_removing_a_feature_another_needs_names_it(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc", "metrics=true", "monitoring=true")
    code, _, err = run(project, "remove", "metrics")
    assert code == 2
    assert "cannot remove metrics: monitoring needs it" in err
    assert "shipyard remove metrics monitoring" in err
    code, out, _ = run(project, "remove", "metrics", "monitoring", "--dry-run")
    assert code == 0, out
    assert "monitoring/prometheus/alerts.yml" in out


def test_a_conflict_is_listed_with_what_to_do_and_exits_3(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    readme = project / "README.md"
    # The team rewrote the very line the metrics feature inserts its bullet next to.
    text = readme.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = next(number for number, line in enumerate(lines) if line.startswith("- **ci_github**"))
    lines[index - 1] = "- **database_postgresql**: our own wording of the database line\n"
    readme.write_text("".join(lines), encoding="utf-8")
    commit_all(project, "Team wording")
    code, out, _ = run(project, "add", "metrics")
    assert code == 3, out
    assert "conflict: README.md" in out
    assert "<<<<<<<" in readme.read_text(encoding="utf-8")
    assert "shipyard check ." in out


def test_upgrade_lists_the_releases_in_between_and_applies_them(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    assert answers(project)["_commit"] == "v0.1.0"
    code, out, _ = run(project, "upgrade", "--dry-run")
    assert code == 0, out
    assert "v0.2.0" in out and V2_NOTE in out
    assert status(project) == ""

    code, out, _ = run(project, "upgrade")
    assert code == 0, out
    assert "README.md" in out
    assert "Added by release 0.2.0." in (project / "README.md").read_text(encoding="utf-8")
    assert answers(project)["_commit"] == "v0.2.0"


def test_releases_between_follows_the_tags(template_repo: Path) -> None:
    assert releases.release_tags(template_repo) == ["v0.1.0", "v0.2.0"]
    between = releases.releases_between(template_repo, "v0.1.0", "v0.2.0")
    assert [release.tag for release in between] == ["v0.2.0"]
    assert between[0].entry == V2_NOTE
    assert releases.releases_between(template_repo, "v0.2.0", "v0.2.0") == []


def test_this_repository_keeps_a_changelog_entry_per_release() -> None:
    entries = releases.changelog_entries((REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert "Unreleased" in entries
    assert all(entries.values())
    for tag in releases.release_tags(REPO_ROOT):
        assert tag in entries, f"CHANGELOG.md has no entry for the release tag {tag}"


def test_the_teams_domains_file_survives_upgrade_add_and_remove(template_repo: Path, tmp_path: Path) -> None:
    project = generate(template_repo, tmp_path / "svc")
    team_edits.apply(project)
    commit_all(project, "Team: orders domain registered in app/domains.py")
    team_domains = (project / "app" / "domains.py").read_text(encoding="utf-8")
    assert "orders_router" in team_domains

    for command in (("upgrade",), ("add", "metrics"), ("remove", "metrics")):
        code, out, _ = run(project, *command)
        assert code == 0, out
        assert "app/domains.py" not in out, f"{command}: copier touched the team's file"
        assert (project / "app" / "domains.py").read_text(encoding="utf-8") == team_domains
        assert team_edits.lost_edits(project) == [], command
        commit_all(project, " ".join(command))
    assert DOMAINS_V2_LINE not in team_domains
    assert "Added by release 0.2.0." in (project / "README.md").read_text(encoding="utf-8")
