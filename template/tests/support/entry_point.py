"""Runs the real entry point with chosen settings; derives a malformed value for each setting."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic.fields import FieldInfo

from app.core.settings_check import import_features, settings_classes
from tests.support.database import PROJECT_ROOT
from tests.support.settings_classes import all_env_var_names

PYTHON_M_APP = (sys.executable, "-m", "app")
CONSOLE_SCRIPT = (str(Path(sys.executable).with_name("app")),)
UVICORN_FACTORY = (sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app")
# Generous: a few seconds each normally, but CI machines may be running other jobs.
RUN_TIMEOUT_SECONDS = 180


def clean_environment(**env: str) -> dict[str, str]:
    """The test process's environment without any service setting, plus `env`."""
    service = set(all_env_var_names())
    return {
        **{name: value for name, value in os.environ.items() if name not in service},
        **env,
    }


def run_all(
    runs: Mapping[str, tuple[Sequence[str], Mapping[str, str]]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run each (command, settings) at the same time; the results by name.

    Run from tests/, where no .env is, whatever the developer keeps at the project root.
    """
    started = {
        name: (
            command,
            subprocess.Popen(
                list(command),
                cwd=PROJECT_ROOT / "tests",
                env=clean_environment(**env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for name, (command, env) in runs.items()
    }
    results = {}
    for name, (command, process) in started.items():
        try:
            stdout, stderr = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"{' '.join(command)} did not exit within {RUN_TIMEOUT_SECONDS} s")
        results[name] = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return results


def run(command: Sequence[str], **env: str) -> subprocess.CompletedProcess[str]:
    return run_all({"run": (command, env)})["run"]


def lines_naming(stderr: str, variable: str) -> list[str]:
    """The stderr lines that start with `variable` (followed by "=", ":" or a space)."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith(variable) and line[len(variable) : len(variable) + 1] in ("=", ":", " ")
    ]


def call_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, **env: str
) -> tuple[int | str | None, str]:
    """Run `app.__main__.main()` in this process with `env`; (exit code, stderr)."""
    from app import __main__ as entry_point
    from app.core import server

    def never_serve(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the configuration was accepted: the service would have started")

    monkeypatch.setattr(server, "serve", never_serve)
    monkeypatch.chdir(tmp_path)  # no .env here
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        entry_point.main([])
    return exited.value.code, capsys.readouterr().err


def _value_type(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        options = [option for option in get_args(annotation) if option is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation


def malformed_value(field: FieldInfo) -> str | None:
    """A value the field's type or bounds refuse, or None for free text."""
    kind = _value_type(field.annotation)
    if get_origin(kind) is Literal:
        return "not-one-of-the-choices"
    if kind is bool:
        return "maybe"
    if get_origin(kind) is dict:
        return '["not", "an", "object"]'
    if kind not in (int, float):
        return None
    bounds = {
        name: getattr(rule, name)
        for rule in field.metadata
        for name in ("gt", "ge", "le")
        if getattr(rule, name, None) is not None
    }
    if "gt" in bounds:
        return str(bounds["gt"])
    if "ge" in bounds:
        return str(bounds["ge"] - 1)
    if "le" in bounds:
        return str(bounds["le"] + 1)
    return "not-a-number"


def malformed_settings() -> dict[str, str]:
    """A refused value for every typed variable of every settings class in this service.

    Derived from the classes, so a variable added to the core or to a feature is covered as soon
    as it exists; free-text variables with their own checks are tested by their feature.
    """
    import_features()
    malformed: dict[str, str] = {}
    for cls in settings_classes():
        for name, field in cls.model_fields.items():
            value = malformed_value(field)
            if value is not None:
                malformed.setdefault(cls.env_var_name(name), value)
    return malformed


def refused_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    variable: str,
    value: str,
) -> str:
    """The one line `python -m app` refuses `variable=value` with (exit 2, nothing else)."""
    code, stderr = call_main(monkeypatch, capsys, tmp_path, **{variable: value})
    assert code == 2, stderr
    assert len(stderr.splitlines()) == 1, f"one line, about {variable} only:\n{stderr}"
    assert lines_naming(stderr, variable), f"starts with {variable}:\n{stderr}"
    return stderr.strip()
