"""`shipyard features`: every copier.yml question, with what each answer adds, as a table or JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from shipyard import cli
from shipyard.questions import Question


def manifests(template_root: Path) -> dict[str, dict[str, object]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((template_root / "extensions" / "features").glob("*.yml"))
    }


def test_json_lists_every_question_in_copier_yml_order(
    runner: CliRunner, questions: dict[str, Question]
) -> None:
    result = runner.invoke(cli.app, ["features", "--format", "json"])

    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["questions"]
    assert [question["name"] for question in listed] == list(questions)
    for entry in listed:
        question = questions[entry["name"]]
        assert entry["type"] == question.type
        assert entry["choices"] == list(question.choices)
        assert entry["default"] == question.default
        assert entry["help"] == question.help


def test_json_says_what_each_choice_adds(runner: CliRunner, template_root: Path) -> None:
    result = runner.invoke(cli.app, ["features", "-f", "json"])

    described = json.loads(result.stdout)
    adds = {entry["name"]: entry["adds"] for entry in described["questions"]}
    for name, manifest in manifests(template_root).items():
        if manifest.get("question") is None:
            assert {"name": name, "summary": manifest["summary"]} in described["always_included"]
        elif "value" in manifest:
            assert manifest["summary"] in adds[str(manifest["question"])][str(manifest["value"])]


def test_table_shows_questions_choices_and_summaries(
    runner: CliRunner, questions: dict[str, Question], template_root: Path
) -> None:
    result = runner.invoke(cli.app, ["features"])

    assert result.exit_code == 0, result.output
    for name in questions:
        assert name in result.stdout
    assert "postgresql, sqlite" in result.stdout
    first_words = str(manifests(template_root)["database_sqlite"]["summary"]).split()[:3]
    assert " ".join(first_words) in result.stdout
    assert "Always included (core)" in result.stdout


def test_unknown_format_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(cli.app, ["features", "--format", "xml"])

    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: unknown format 'xml'; choose table or json"]


def test_the_template_given_is_read_by_its_own_manifest_reader(
    runner: CliRunner, template_root: Path, tmp_path: Path
) -> None:
    # A template (another release, a fork) whose manifests and matching rule differ from this
    # checkout's: `features -t` reports what that template's renders would get.
    other = tmp_path / "other-template"
    other.mkdir()
    shutil.copy2(template_root / "copier.yml", other / "copier.yml")
    shutil.copytree(template_root / "extensions", other / "extensions")
    (other / "extensions" / "features" / "audit_trail.yml").write_text(
        "summary: Audit trail of every write\nquestion: metrics\nvalue: sometimes\n", encoding="utf-8"
    )
    reader = other / "extensions" / "feature_data.py"
    reader.write_text(
        reader.read_text(encoding="utf-8")
        + "\n\ndef is_enabled(manifest, answers):  # a rule of that template's own\n"
        + "    return manifest.get('question') in answers and answers[manifest['question']] is True\n",
        encoding="utf-8",
    )

    result = runner.invoke(cli.app, ["features", "-f", "json", "-t", str(other)])

    assert result.exit_code == 0, result.output
    metrics = next(entry for entry in json.loads(result.stdout)["questions"] if entry["name"] == "metrics")
    assert "Audit trail of every write" in metrics["adds"]["true"]
    assert "false" not in metrics["adds"]
    unchanged = runner.invoke(cli.app, ["features", "-f", "json"])
    assert "Audit trail" not in unchanged.stdout


def test_a_template_without_the_manifest_reader_is_one_line(
    runner: CliRunner, template_root: Path, tmp_path: Path
) -> None:
    shutil.copy2(template_root / "copier.yml", tmp_path / "copier.yml")

    result = runner.invoke(cli.app, ["features", "-t", str(tmp_path)])

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {tmp_path} has no extensions/feature_data.py: not a shipyard template"
    ]
