"""Presets only name questions that copier.yml declares, with values those questions accept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shipyard.errors import ShipyardError
from shipyard.presets import Preset, check_preset, get_preset, load_presets
from shipyard.questions import Question


@pytest.mark.parametrize("name", list(load_presets()))
def test_preset_names_only_existing_questions_and_valid_values(
    name: str, questions: dict[str, Question]
) -> None:
    preset = load_presets()[name]

    assert set(preset.answers) <= set(questions)
    check_preset(preset, questions)
    assert preset.description


REPO_ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("cache", "rate_limit", "metrics", "tracing", "monitoring", "kubernetes", "backups", "ci")


def test_the_three_documented_presets_exist() -> None:
    presets = load_presets()

    assert list(presets) == ["minimal", "standard", "production"]
    assert presets["minimal"].answers["database"] == "sqlite"
    assert presets["standard"].answers["database"] == "postgresql"
    assert presets["production"].answers["database"] == "postgresql"


def test_presets_answer_every_feature_question_so_only_naming_is_asked() -> None:
    for preset in load_presets().values():
        assert set(FEATURES) <= set(preset.answers), preset.name


def test_minimal_turns_every_feature_off_and_production_every_feature_on() -> None:
    minimal = load_presets()["minimal"].answers
    production = load_presets()["production"].answers

    assert all(minimal[name] in (False, "none") for name in FEATURES)
    assert all(production[name] not in (False, "none") for name in FEATURES)


def test_preset_with_an_unknown_question_is_refused(questions: dict[str, Question]) -> None:
    with pytest.raises(ShipyardError, match="unknown question 'colour' in preset 'broken'"):
        check_preset(Preset("broken", "", {"colour": "blue"}), questions)


def test_preset_with_a_value_outside_the_choices_is_refused(questions: dict[str, Question]) -> None:
    with pytest.raises(ShipyardError, match="invalid value 'mysql' for database"):
        check_preset(Preset("broken", "", {"database": "mysql"}), questions)


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ShipyardError, match="choose one of minimal, standard, production"):
        get_preset("huge")


TABLE_START = (
    "<!-- presets table: generated from presets.yml and copier.yml; tests/test_presets.py checks it -->"
)
TABLE_END = "<!-- end of presets table -->"


def presets_table(questions: dict[str, Question]) -> str:
    """docs/cli.md's table: each preset's answers to the feature questions, beside copier.yml's defaults."""

    def cell(value: object) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    columns = ["database", *FEATURES]
    rows = [
        "| Preset | " + " | ".join(f"`{name}`" for name in columns) + " | What it is for |",
        "| --- " * (len(columns) + 2) + "|",
        "| (none) | "
        + " | ".join(cell(questions[name].default) for name in columns)
        + " | copier.yml's defaults: what `--defaults` renders without a preset |",
    ]
    for preset in load_presets().values():
        rows.append(
            f"| `{preset.name}` | "
            + " | ".join(cell(preset.answers.get(name, questions[name].default)) for name in columns)
            + f" | {preset.description} |"
        )
    return "\n".join(rows)


def test_docs_describe_the_presets_as_presets_yml_defines_them(questions: dict[str, Question]) -> None:
    text = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text, f"docs/cli.md lacks the markers {TABLE_START}"

    documented = text[text.index(TABLE_START) + len(TABLE_START) : text.index(TABLE_END)].strip()

    expected = presets_table(questions)
    assert documented == expected, f"docs/cli.md's presets table is out of date; it should read:\n{expected}"


def test_docs_call_no_preset_the_template_defaults_unless_it_is(questions: dict[str, Question]) -> None:
    text = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    defaults = {name: questions[name].default for name in FEATURES}
    for preset in load_presets().values():
        claims = re.search(rf"`{preset.name}`[^|\n]*template defaults", text)
        answers = {name: preset.answers.get(name, defaults[name]) for name in FEATURES}
        assert not claims or answers == defaults, f"docs/cli.md: `{preset.name}` is not the template defaults"
