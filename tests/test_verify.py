"""The shared step list: contract order, environment hygiene, and stop-or-keep-going after a failure."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from shipyard.verify import Step, run_step, run_verification, step_environment, verification_steps


def test_steps_follow_the_contract_order() -> None:
    steps = verification_steps()

    assert [step.name for step in steps] == ["uv sync", "ruff format", "ruff check", "mypy", "pytest"]
    assert steps[1].command[-3:] == ("format", "--check", ".")
    assert steps[2].command[-2:] == ("check", ".")
    # Everything after the sync runs the repo's own tools, without touching its environment again.
    assert all(step.command[1:3] == ("run", "--no-sync") for step in steps[1:])


def test_environment_never_downloads_python_and_drops_foreign_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", "/elsewhere/.venv")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x")
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS", raising=False)

    environment = step_environment({"DATABASE_URL": None, "REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert environment["UV_PYTHON_DOWNLOADS"] == "never"
    assert "VIRTUAL_ENV" not in environment
    assert "PYTEST_XDIST_WORKER" not in environment
    assert "DATABASE_URL" not in environment
    assert environment["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_steps_cache_bytecode_even_where_the_caller_turned_it_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Otherwise every process the generated suite starts compiles its libraries again (verify.py).
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    (tmp_path / "module_of_the_project.py").write_text("VALUE = 1\n", encoding="utf-8")

    result = run_step(python_step("import", "import module_of_the_project"), tmp_path, step_environment())

    assert result.passed, result.output
    assert list((tmp_path / "__pycache__").glob("module_of_the_project.*.pyc"))


@pytest.mark.parametrize(
    ("cache_on", "link_mode"),
    [
        pytest.param("the same filesystem", None, id="same-filesystem"),
        # /proc is a filesystem of its own on Linux; the cache need not exist yet.
        pytest.param("/proc", "copy", id="other-filesystem"),
    ],
)
def test_uv_links_from_its_cache_unless_the_cache_is_on_another_filesystem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache_on: str, link_mode: str | None
) -> None:
    # Linking made a default render's `uv sync` 3 s faster; across filesystems uv would warn on every install.
    cache = tmp_path / "uv-cache" if cache_on == "the same filesystem" else Path(cache_on) / "no-uv-cache"
    monkeypatch.setenv("UV_CACHE_DIR", str(cache))
    monkeypatch.delenv("UV_LINK_MODE", raising=False)
    step = python_step("link mode", "import os; print(os.environ.get('UV_LINK_MODE'))")

    result = run_step(step, tmp_path, step_environment())

    assert result.output.strip() == str(link_mode)


def python_step(name: str, code: str) -> Step:
    return Step(name, (sys.executable, "-c", code))


FAKE_STEPS = [
    python_step("first", "print('one')"),
    python_step("second", "import sys; print('broken'); sys.exit(3)"),
    python_step("third", "print('three')"),
]


def test_steps_after_a_failure_are_skipped(tmp_path: Path) -> None:
    results = run_verification(tmp_path, steps=FAKE_STEPS)

    assert [result.status for result in results] == ["passed", "failed", "skipped"]
    assert results[1].returncode == 3
    assert results[1].output.strip() == "broken"
    assert results[1].summary.endswith(f"(in {tmp_path}) exited with code 3")


def test_keep_going_runs_every_step(tmp_path: Path) -> None:
    started: list[str] = []

    results = run_verification(
        tmp_path, steps=FAKE_STEPS, keep_going=True, on_start=lambda step: started.append(step.name)
    )

    assert [result.status for result in results] == ["passed", "failed", "passed"]
    assert started == ["first", "second", "third"]


def test_a_hung_step_times_out(tmp_path: Path) -> None:
    results = run_verification(
        tmp_path, steps=[python_step("sleepy", "import time; time.sleep(30)")], timeout=1
    )

    assert results[0].status == "failed"
    assert results[0].output.endswith("timed out after 1s")
    assert results[0].summary.endswith("timed out after 1s and was killed")
