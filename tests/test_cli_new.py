"""`shipyard new`: presets and --data reach copier; each user error is one line, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from copier._main import Worker
from typer.testing import CliRunner

from shipyard import cli, presets
from shipyard.answer_rules import is_asked
from shipyard.presets import load_presets
from shipyard.questions import question_specs
from shipyard.template_source import open_template
from support.refusals import REFUSING, RULE_COLUMNS, rule_of

SPECS = question_specs(Path(__file__).resolve().parents[1])


def recorded_answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return answers


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(directory.rglob("*"))
    }


def assert_one_line_user_error(stderr: str, exit_code: int, fragment: str) -> None:
    assert exit_code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in stderr


def test_new_with_defaults_renders_the_template_defaults(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults", "--quiet"])

    assert result.exit_code == 0, result.output
    answers = recorded_answers(destination)
    assert answers["project_name"] == "Demo Service"
    assert answers["project_slug"] == "demo-service"
    assert answers["database"] == "postgresql"


@pytest.mark.parametrize("preset", list(load_presets()))
def test_new_with_a_preset_applies_its_answers(preset: str, runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / preset

    result = runner.invoke(cli.app, ["new", str(destination), "--preset", preset, "--defaults", "--quiet"])

    assert result.exit_code == 0, result.output
    answers = recorded_answers(destination)
    chosen = load_presets()[preset].answers
    for key, value in chosen.items():
        if is_asked(SPECS[key], {**answers, **chosen}):
            assert answers[key] == value
        else:  # copier records no answer for a question that does not apply (`when:` false)
            assert key not in answers
            assert value == SPECS[key]["default"]


def tree_with_modes(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Each file's bytes and mode; the answers file without `_commit`, which differs per render of a
    checkout with uncommitted edits (copier commits them in its clone)."""
    tree = {
        str(path.relative_to(directory)): (path.read_bytes(), path.stat().st_mode)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    answers, mode = tree[".copier-answers.yml"]
    kept = [line for line in answers.splitlines(keepends=True) if not line.startswith(b"_commit:")]
    tree[".copier-answers.yml"] = (b"".join(kept), mode)
    return tree


def test_new_writes_exactly_what_copier_writes(runner: CliRunner, tmp_path: Path) -> None:
    """shipyard/new.py renders with a faster worker: its files must be copier's, byte for byte."""
    answers = dict(load_presets()["production"].answers)
    with (
        open_template() as source,
        Worker(
            src_path=source.location,
            dst_path=tmp_path / "copier",
            data=answers,
            vcs_ref=source.vcs_ref,
            defaults=True,
            unsafe=True,
            quiet=True,
        ) as worker,
    ):
        worker.run_copy()

    arguments = ["new", str(tmp_path / "shipyard"), "--preset", "production", "--defaults", "--quiet"]
    result = runner.invoke(cli.app, arguments)

    assert result.exit_code == 0, result.output
    by_copier = tree_with_modes(tmp_path / "copier")
    by_shipyard = tree_with_modes(tmp_path / "shipyard")
    assert sorted(by_shipyard) == sorted(by_copier)
    assert [name for name in by_copier if by_copier[name] != by_shipyard[name]] == []


@pytest.mark.parametrize("method", ["_sync_git_index_executable_bit", "_render_string", "answers_relpath"])
def test_the_methods_the_new_project_worker_replaces_are_still_copiers(method: str) -> None:
    """A copier release that renames one would leave the override unused: the render slow again."""
    assert hasattr(Worker, method), f"copier's Worker lost {method}: update shipyard/new.py"


NEXT_STEPS = "Next steps:"


@pytest.mark.parametrize("quiet", [True, False], ids=["quiet", "verbose"])
def test_new_prints_one_next_steps_message(quiet: bool, runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults", *(["-q"] if quiet else [])])

    assert result.exit_code == 0, result.output
    printed = result.stdout + result.stderr
    assert printed.count(NEXT_STEPS) == 1, printed
    assert printed.count("make test") == 1
    assert f"cd {destination.absolute()}" in printed
    assert "shipyard check" not in printed  # one message: no second, competing instruction


@pytest.mark.parametrize(
    ("arguments", "needed", "not_needed"),
    [
        pytest.param([], ["PostgreSQL", "DATABASE_URL"], ["Redis", "SQLite"], id="postgresql"),
        pytest.param(["-d", "database=sqlite"], ["SQLite: nothing to run"], ["PostgreSQL"], id="sqlite"),
        pytest.param(["-d", "cache=redis"], ["PostgreSQL", "Redis", "REDIS_URL"], ["SQLite"], id="redis"),
    ],
)
def test_next_steps_name_the_servers_the_tests_need(
    arguments: list[str], needed: list[str], not_needed: list[str], runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(cli.app, ["new", str(tmp_path / "service"), "--defaults", "-q", *arguments])

    assert result.exit_code == 0, result.output
    steps = result.stdout[result.stdout.index(NEXT_STEPS) :]
    for word in needed:
        assert word in steps
    for word in not_needed:
        assert word not in steps


@pytest.mark.parametrize("question", list(REFUSING))
def test_a_refused_answer_shows_its_rule_within_70_columns(
    question: str, runner: CliRunner, tmp_path: Path
) -> None:
    data = [f"--data={key}={str(value).lower()}" for key, value in REFUSING[question].items()]

    result = runner.invoke(cli.app, ["new", str(tmp_path / "service"), "--defaults", *data])

    assert_one_line_user_error(result.stderr, result.exit_code, question)
    line = result.stderr.splitlines()[0]
    rule = rule_of(question, line.removeprefix("error: "))
    assert rule in line[:70], f"the rule is cut off by a 70-column terminal: {line!r}"
    assert len(rule) <= RULE_COLUMNS


def test_new_with_data_answers_questions(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "orders"

    result = runner.invoke(
        cli.app,
        [
            "new",
            str(destination),
            "--defaults",
            "-q",
            "-d",
            "project_name=Orders API",
            "--data",
            "database=sqlite",
        ],
    )

    assert result.exit_code == 0, result.output
    answers = recorded_answers(destination)
    assert answers["project_name"] == "Orders API"
    assert answers["project_slug"] == "orders-api"  # derived by copier.yml, not by the CLI
    assert answers["database"] == "sqlite"


def test_data_wins_over_the_preset(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"

    result = runner.invoke(
        cli.app,
        ["new", str(destination), "--preset", "minimal", "--defaults", "-q", "-d", "database=postgresql"],
    )

    assert result.exit_code == 0, result.output
    assert recorded_answers(destination)["database"] == "postgresql"


def test_preset_picker_is_used_on_a_terminal(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(presets, "ask_for_preset", lambda available: available["minimal"])
    destination = tmp_path / "service"
    # Every question but the preset's is answered, so copier has nothing left to ask.
    data = [
        "project_name=Picked",
        "project_slug=picked",
        "description=Chosen interactively",
        "author_name=Team",
        "author_email=team@example.com",
        "python_version=3.11",
    ]

    result = runner.invoke(cli.app, ["new", str(destination), "-q", *(f"--data={item}" for item in data)])

    assert result.exit_code == 0, result.output
    assert recorded_answers(destination)["database"] == "sqlite"


def test_custom_in_the_preset_picker_leaves_every_feature_question_to_copier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(presets, "ask_for_preset", lambda available: None)  # the "custom" entry
    seen: dict[str, object] = {}

    def fake_render(destination: Path, source: object, answers: dict[str, object], **options: object) -> str:
        seen.update(answers)
        return ""

    monkeypatch.setattr(cli, "render", fake_render)

    result = CliRunner().invoke(cli.app, ["new", str(tmp_path / "service"), "-q", "-d", "project_name=X"])

    assert result.exit_code == 0, result.output
    assert seen == {"project_name": "X"}  # nothing preset: copier asks all the rest


BAD_INPUT = [
    pytest.param(
        ["--preset", "huge"],
        "unknown preset 'huge'; choose one of minimal, standard, production",
        id="preset",
    ),
    pytest.param(
        ["-d", "colour=blue"], "unknown question 'colour' in --data; valid keys: project_name", id="key"
    ),
    pytest.param(["-d", "database"], "--data expects KEY=VALUE, got 'database'", id="malformed"),
    pytest.param(["-d", "=sqlite"], "--data expects KEY=VALUE", id="empty-key"),
    pytest.param(["-d", "database=mysql"], "choose one of postgresql, sqlite", id="choice"),
    pytest.param(["-d", "python_version=3.9"], "choose one of 3.11, 3.12, 3.13", id="python-choice"),
    pytest.param(["-d", "project_slug=Bad_Slug"], "project_slug must be a-z, 0-9", id="slug"),
    pytest.param(["-d", "author_email=not-an-email"], "author_email must be an e-mail address", id="email"),
    pytest.param(["-d", "project_name= "], "project_name must not be empty", id="name"),
]


@pytest.mark.parametrize(("arguments", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_writes_nothing(
    arguments: list[str], message: str, runner: CliRunner, tmp_path: Path
) -> None:
    destination = tmp_path / "outer" / "service"

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults", *arguments])

    assert_one_line_user_error(result.stderr, result.exit_code, message)
    assert not (tmp_path / "outer").exists()


def test_existing_non_empty_destination_is_left_untouched(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"
    (destination / "src").mkdir(parents=True)
    (destination / "notes.txt").write_text("mine\n")
    before = snapshot(destination)

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults"])

    assert_one_line_user_error(result.stderr, result.exit_code, "is not empty")
    assert snapshot(destination) == before


def test_existing_empty_destination_stays_empty_after_a_refused_answer(
    runner: CliRunner, tmp_path: Path
) -> None:
    destination = tmp_path / "service"
    destination.mkdir()

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults", "-d", "project_slug=-bad"])

    assert_one_line_user_error(result.stderr, result.exit_code, "project_slug must be")
    assert destination.is_dir()
    assert list(destination.iterdir()) == []


def test_existing_empty_destination_is_used(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"
    destination.mkdir()

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults", "-q"])

    assert result.exit_code == 0, result.output
    assert (destination / ".copier-answers.yml").is_file()


def test_destination_that_is_a_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    destination = tmp_path / "service"
    destination.write_text("a file\n")

    result = runner.invoke(cli.app, ["new", str(destination), "--defaults"])

    assert_one_line_user_error(result.stderr, result.exit_code, "is not a directory")
    assert destination.read_text() == "a file\n"


def test_without_a_terminal_questions_need_defaults(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["new", str(tmp_path / "service")])

    assert_one_line_user_error(result.stderr, result.exit_code, "pass --defaults")
    assert not (tmp_path / "service").exists()


def test_missing_template_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli.app, ["new", str(tmp_path / "service"), "--defaults", "--template", str(tmp_path / "nowhere")]
    )

    assert_one_line_user_error(result.stderr, result.exit_code, "nowhere")
    assert not (tmp_path / "service").exists()


def test_directory_without_copier_yml_is_not_a_template(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty-template").mkdir()

    result = runner.invoke(
        cli.app,
        ["new", str(tmp_path / "service"), "--defaults", "--template", str(tmp_path / "empty-template")],
    )

    assert_one_line_user_error(result.stderr, result.exit_code, "is not a Copier template")
