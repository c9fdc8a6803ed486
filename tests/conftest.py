"""Test-session setup: the template root for pytest-copie, the shared render cache and the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie
from typer.testing import CliRunner

from shipyard.questions import Question, load_questions
from shipyard.scratch_postgres import PostgresUnavailableError, run_sql
from support.renders import RenderCache

REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # pytest-copie renders its --template option (default "."); point it at this repository wherever
    # pytest is started from, unless it was given a template explicitly.
    if not (Path(config.option.template) / "copier.yml").is_file():
        config.option.template = str(REPO_ROOT)


@pytest.fixture(scope="session")
def template_root(pytestconfig: pytest.Config) -> Path:
    return Path(pytestconfig.option.template)


@pytest.fixture(scope="session")
def template_snapshot(template_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template's files outside git, so copier reads them in place instead of cloning the repo."""
    snapshot = tmp_path_factory.mktemp("template-snapshot")
    shutil.copy2(template_root / "copier.yml", snapshot / "copier.yml")
    for folder in ("template", "extensions"):
        shutil.copytree(
            template_root / folder, snapshot / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return snapshot


@pytest.fixture(scope="session")
def questions(template_root: Path) -> dict[str, Question]:
    return load_questions(template_root)


@pytest.fixture(scope="session")
def renders(copie_session: Copie) -> RenderCache:
    return RenderCache(copie_session)


@pytest.fixture(scope="session")
def postgres_available() -> None:
    """Fail (never skip) when the PostgreSQL the generated tests need cannot be reached."""
    try:
        run_sql("SELECT 1")
    except PostgresUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def runner() -> CliRunner:
    # Wide enough that rich tables do not wrap the words the tests look for.
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
