"""The command runner of verify, the validators and the matrix: what a failure, a hang, a missing tool say."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from shipyard.matrix import project as matrix_project
from shipyard.process import NOT_FOUND, TIMED_OUT, run
from shipyard.validators.base import ArtifactValidator


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_failure_ends_with_the_command_its_directory_and_exit_code(tmp_path: Path) -> None:
    completed = run(python("import sys\nfor n in range(100): print('line', n)\nsys.exit(3)"), cwd=tmp_path)

    message = completed.failure()
    lines = message.splitlines()
    assert not completed.passed
    assert completed.returncode == 3
    assert lines[0] == "[... 60 earlier lines]"
    assert lines[1] == "line 60"
    assert lines[-2] == "line 99"
    assert lines[-1].startswith(f"`{sys.executable} -c ")
    assert lines[-1].endswith(f"(in {tmp_path}) exited with code 3")
    assert "line 0\n" in completed.failure(tail_lines=None)


def test_stderr_is_merged_in_order_unless_kept_apart() -> None:
    code = "import sys; print('out', flush=True); print('err', file=sys.stderr, flush=True); print('out2')"

    merged = run(python(code))
    apart = run(python(code), merge_stderr=False)

    assert merged.stdout == "out\nerr\nout2\n"
    assert (apart.stdout, apart.stderr) == ("out\nout2\n", "err\n")


def test_a_hung_command_is_killed_with_its_children(tmp_path: Path) -> None:
    # The shell's children keep the output pipe open: unless the whole group dies, the read waits 60 s.
    started = time.monotonic()
    completed = run(["sh", "-c", "echo started; sleep 60 & sleep 60; wait"], cwd=tmp_path, timeout=1)

    assert time.monotonic() - started < 15
    assert completed.returncode == TIMED_OUT
    assert completed.output.startswith("started\n")
    assert completed.output.endswith("timed out after 1s")
    assert completed.summary().endswith("timed out after 1s and was killed")


def test_a_missing_tool_is_reported_and_a_missing_directory_raises(tmp_path: Path) -> None:
    missing = run(["shipyard-no-such-tool", "--version"])

    assert missing.missing
    assert missing.returncode == NOT_FOUND
    assert missing.summary().endswith("could not start: shipyard-no-such-tool is not installed")
    with pytest.raises(FileNotFoundError):
        run(python("pass"), cwd=tmp_path / "absent")


def test_a_failing_validator_names_its_command_and_a_missing_one_how_to_install(tmp_path: Path) -> None:
    (tmp_path / "thing.yml").write_text("x: 1\n", encoding="utf-8")
    failing = ArtifactValidator(
        name="always-fails",
        files=lambda project: [project / "thing.yml"],
        command=lambda files: [*python("import sys; print('thing.yml: bad'); sys.exit(2)"), *map(str, files)],
        install_hint="pip install nothing",
    )
    absent = ArtifactValidator(
        name="absent",
        files=lambda project: [project / "thing.yml"],
        command=lambda files: ["shipyard-no-such-validator", *map(str, files)],
        install_hint="pip install shipyard-no-such-validator",
    )

    passed, output = failing.run(tmp_path, failing.files(tmp_path))
    missing_passed, missing_output = absent.run(tmp_path, absent.files(tmp_path))

    assert not passed
    assert output.splitlines()[0] == "thing.yml: bad"
    assert output.splitlines()[-1].endswith(f"thing.yml` (in {tmp_path}) exited with code 2")
    assert not missing_passed
    assert missing_output == (
        "shipyard-no-such-validator is not installed: pip install shipyard-no-such-validator"
    )


def test_a_failing_matrix_command_names_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a git repository (and none above it is searched): the update's first `git add` fails.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    project = tmp_path / "project"
    project.mkdir()

    with pytest.raises(matrix_project.ScenarioError) as raised:
        matrix_project.update(project, {}, commit_first=True)

    message = str(raised.value)
    assert "not a git repository" in message
    assert message.splitlines()[-1] == f"`git add --all` (in {project}) exited with code 128"
