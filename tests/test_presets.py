"""Presets only name questions that copier.yml declares, with values those questions accept."""

from __future__ import annotations

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
