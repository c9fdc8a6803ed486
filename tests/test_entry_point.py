"""The installed `shipyard` console script as a real process, and a non-editable install of the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from uv import find_uv_bin

from shipyard import __version__


@pytest.fixture(scope="module")
def shipyard_executable() -> Path:
    found = shutil.which("shipyard", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the shipyard console script is not installed next to this Python; run ./scripts/test")
    return Path(found)


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        check=False,
        timeout=600,
    )


def test_version(shipyard_executable: Path) -> None:
    result = run(shipyard_executable, "--version")

    assert result.returncode == 0
    assert result.stdout.strip() == f"shipyard {__version__}"


def test_new_then_refuse_to_overwrite(shipyard_executable: Path, tmp_path: Path) -> None:
    created = run(
        shipyard_executable, "new", "service", "--preset", "minimal", "--defaults", "-q", cwd=tmp_path
    )

    assert created.returncode == 0, created.stderr
    assert "database: sqlite" in (tmp_path / "service" / ".copier-answers.yml").read_text()

    refused = run(shipyard_executable, "new", "service", "--defaults", cwd=tmp_path)

    assert refused.returncode == 2
    assert refused.stderr.splitlines() == ["error: destination service is not empty; choose a new directory"]


def test_features_json(shipyard_executable: Path) -> None:
    result = run(shipyard_executable, "features", "--format", "json")

    assert result.returncode == 0, result.stderr
    assert "database" in [question["name"] for question in json.loads(result.stdout)["questions"]]


@pytest.mark.slow
def test_wheel_carries_the_template_and_works_without_the_checkout(
    template_root: Path, tmp_path: Path
) -> None:
    uv = find_uv_bin()
    built = run(uv, "build", "--wheel", "--out-dir", tmp_path / "dist", template_root)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("shipyard-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for bundled in ("copier.yml", "extensions/context.py", "template/{{_copier_conf.answers_file}}.jinja"):
        assert f"shipyard/_template/{bundled}" in names

    venv = tmp_path / "venv"
    assert run(uv, "venv", "--quiet", "--python", sys.executable, venv).returncode == 0
    installed = run(uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", wheel)
    assert installed.returncode == 0, installed.stderr

    # Run from an unrelated directory so only the bundled template can be found.
    created = run(
        venv / "bin" / "shipyard", "new", "svc", "--preset", "minimal", "--defaults", "-q", cwd=tmp_path
    )

    assert created.returncode == 0, created.stderr
    answers = (tmp_path / "svc" / ".copier-answers.yml").read_text()
    assert "shipyard/_template" in answers
    assert (tmp_path / "svc" / "pyproject.toml").is_file()
