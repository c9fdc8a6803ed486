"""Renders with defaults, SQLite and every preset; each render must be clean and pass verification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from shipyard.answer_rules import is_asked
from shipyard.jinja_remnants import find_remnants
from shipyard.presets import load_presets
from shipyard.questions import Question, question_specs
from support.renders import RenderCache, failure_report


def render_configurations() -> dict[str, dict[str, Any]]:
    configurations: dict[str, dict[str, Any]] = {
        "defaults": {},
        "sqlite": {"database": "sqlite"},
        # The newest target Python: its ruff/mypy targets must still pass on the 3.11 the tests use.
        "python-3.13": {"python_version": "3.13", "database": "sqlite"},
    }
    for name, preset in load_presets().items():
        configurations[f"preset-{name}"] = dict(preset.answers)
    return configurations


CONFIGURATIONS = render_configurations()
configuration_ids = pytest.mark.parametrize("configuration", list(CONFIGURATIONS))


@configuration_ids
def test_render_leaves_no_jinja_behind(
    configuration: str, renders: RenderCache, template_root: Path, questions: dict[str, Question]
) -> None:
    service = renders.render(CONFIGURATIONS[configuration])

    remnants = find_remnants(service.project_dir, service.files, template_root / "template", questions)

    assert remnants == [], "unrendered Jinja:\n" + "\n".join(remnants)


@configuration_ids
def test_render_records_every_answer(
    configuration: str, renders: RenderCache, template_root: Path, questions: dict[str, Question]
) -> None:
    service = renders.render(CONFIGURATIONS[configuration])

    recorded = yaml.safe_load((service.project_dir / ".copier-answers.yml").read_text(encoding="utf-8"))

    # Copier records every question that applies; one whose `when:` is false is left out.
    specs = question_specs(template_root)
    applying = {name for name in questions if is_asked(specs[name], {**recorded, **service.answers})}
    assert applying <= set(recorded)
    assert not set(questions) - applying & set(recorded)
    for key, value in CONFIGURATIONS[configuration].items():
        assert recorded.get(key, specs[key].get("default")) == value
    assert recorded["_src_path"]  # `copier update` needs to know where the template came from


@pytest.mark.slow
@configuration_ids
def test_rendered_service_passes_verification(
    configuration: str, renders: RenderCache, request: pytest.FixtureRequest
) -> None:
    service = renders.render(CONFIGURATIONS[configuration])
    if service.answers.get("database") == "postgresql":
        request.getfixturevalue("postgres_available")

    results = renders.verify(service)

    assert [result.status for result in results] == ["passed"] * len(results), failure_report(results)
