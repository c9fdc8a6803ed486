"""Plain `copier copy` and `shipyard new`, answered at their prompts in a pseudo-terminal as a user would."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from shipyard.questions import question_specs

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPECS = question_specs(REPO_ROOT)
FEATURE_QUESTIONS = ["database", "cache", "rate_limit", "metrics", "tracing", "monitoring", "kubernetes"]
FEATURE_QUESTIONS += ["backups", "ci"]
DOWN, ENTER = "\x1b[B", "\r"
TIMEOUT_SECONDS = 60


def spawn(command: str, arguments: list[str], cwd: Path) -> pexpect.spawn:
    environment = {
        **os.environ,
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",  # no cursor-position queries a pty script would have to answer
        "NO_COLOR": "1",
    }
    return pexpect.spawn(
        str(BIN / command),
        arguments,
        cwd=str(cwd),
        env=environment,
        dimensions=(50, 250),
        encoding="utf-8",
        timeout=TIMEOUT_SECONDS,
    )


def answer_prompts(child: pexpect.spawn, keys: dict[str, str]) -> list[str]:
    """Answer each question copier asks (its help text is the prompt) with `keys`, else Enter.

    Returns the questions asked, in order, once each (a prompt is drawn again while it is answered).
    """
    names = list(SPECS)
    patterns = [re.escape(str(SPECS[name]["help"])[:40]) for name in names] + [pexpect.EOF]
    asked: list[str] = []
    while (index := child.expect(patterns)) < len(names):
        name = names[index]
        if asked and asked[-1] == name:
            continue
        asked.append(name)
        time.sleep(0.1)  # let prompt_toolkit take the keyboard before the keys arrive
        child.send(keys.get(name, ENTER))
    child.close()
    assert child.exitstatus == 0, f"exited {child.exitstatus}; output:\n{child.before}"
    return asked


def recorded(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return answers


def test_plain_copier_does_not_ask_for_monitoring_without_metrics(
    template_snapshot: Path, tmp_path: Path
) -> None:
    child = spawn("copier", ["copy", "--trust", str(template_snapshot), "service"], tmp_path)

    asked = answer_prompts(child, {"metrics": "n"})

    assert "metrics" in asked
    assert "monitoring" not in asked
    assert "backups" in asked  # PostgreSQL, the default: backups apply
    answers = recorded(tmp_path / "service")
    assert answers["metrics"] is False
    assert "monitoring" not in answers
    assert not (tmp_path / "service" / "monitoring").exists()


def test_plain_copier_does_not_ask_for_backups_with_sqlite(template_snapshot: Path, tmp_path: Path) -> None:
    child = spawn("copier", ["copy", "--trust", str(template_snapshot), "service"], tmp_path)

    # database lists postgresql then sqlite; metrics=yes makes monitoring apply.
    asked = answer_prompts(child, {"database": DOWN + ENTER, "metrics": "y", "monitoring": "y"})

    assert "backups" not in asked
    assert "monitoring" in asked
    answers = recorded(tmp_path / "service")
    assert answers["database"] == "sqlite"
    assert answers["monitoring"] is True
    assert "backups" not in answers
    assert not (tmp_path / "service" / "scripts" / "backup.sh").exists()


def test_custom_in_the_preset_picker_asks_every_feature_question(tmp_path: Path) -> None:
    child = spawn("shipyard", ["new", "service"], tmp_path)
    child.expect("Start from which preset?")
    child.expect("custom")
    time.sleep(0.1)
    child.send(DOWN + DOWN + ENTER)  # from the default, standard: production, then custom

    asked = answer_prompts(child, {"metrics": "y"})

    assert [name for name in asked if name in FEATURE_QUESTIONS] == FEATURE_QUESTIONS
    assert str(child.before).count("Next steps:") == 1


@pytest.mark.parametrize("preset", ["minimal"])
def test_a_picked_preset_leaves_only_the_naming_questions(preset: str, tmp_path: Path) -> None:
    child = spawn("shipyard", ["new", "service"], tmp_path)
    child.expect("Start from which preset?")
    child.expect("custom")
    time.sleep(0.1)
    child.send("\x1b[A" + ENTER)  # from standard up to minimal

    asked = answer_prompts(child, {})

    assert not set(asked) & set(FEATURE_QUESTIONS)
    assert recorded(tmp_path / "service")["database"] == "sqlite"
