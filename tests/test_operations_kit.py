"""The operations kit in every render: smoke and load scripts, proxy, deploy pipelines, guides, and
PRODUCTION-READINESS.md whose claimed proofs exist (checked by `shipyard readiness`)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shipyard import cli
from shipyard.validators import applicable
from support.renders import RenderCache

ALL_ON = {
    **{"cache": "redis", "rate_limit": "redis", "metrics": True, "tracing": True, "monitoring": True},
    **{"kubernetes": "helm", "backups": True, "ci": "github"},
}
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "default": {},
    "all-on": ALL_ON,
    "sqlite-kustomize-no-ci": {"database": "sqlite", "kubernetes": "kustomize", "ci": "none"},
    "gitlab-helm": {"kubernetes": "helm", "ci": "gitlab", "metrics": True},
    "gitlab-kustomize": {"kubernetes": "kustomize", "ci": "gitlab"},
}
configuration_ids = pytest.mark.parametrize("configuration", list(CONFIGURATIONS))
ALWAYS = [
    "scripts/smoke_test.sh",
    "loadtests/locustfile.py",
    "loadtests/k6.js",
    "loadtests/profiles.json",
    "proxy/Caddyfile",
    "docs/performance.md",
    "docs/production-checklist.md",
    "docs/troubleshooting.md",
    "docs/deploy/vm.md",
    "PRODUCTION-READINESS.md",
    "docs/readiness.json",
    "tests/operations/test_production_readiness.py",
]
OPERATIONS_VALIDATORS = {"shellcheck", "k6-syntax", "caddy", "compose-schema"}


def render(renders: RenderCache, configuration: str) -> Path:
    return renders.render(CONFIGURATIONS[configuration]).project_dir


@configuration_ids
def test_the_kit_is_in_every_render(renders: RenderCache, configuration: str) -> None:
    project = render(renders, configuration)
    answers = CONFIGURATIONS[configuration]
    for path in ALWAYS:
        assert (project / path).is_file(), path
    kubernetes = answers.get("kubernetes", "none") != "none"
    ci = answers.get("ci", "github")
    assert (project / "docs/deploy/kubernetes.md").exists() is kubernetes
    assert (project / ".github/workflows/deploy.yml").exists() is (kubernetes and ci == "github")
    assert (project / ".gitlab/deploy.yml").exists() is (kubernetes and ci == "gitlab")
    assert (project / "scripts/backup.sh").exists() is bool(answers.get("backups"))


@configuration_ids
def test_the_kits_files_pass_their_validators(renders: RenderCache, configuration: str) -> None:
    project = render(renders, configuration)
    ran = set()
    for validator, files in applicable(project):
        if (
            validator.name in OPERATIONS_VALIDATORS
            or "workflow" in validator.name
            or "gitlab" in validator.name
        ):
            passed, output = validator.run(project, files)
            assert passed, f"{validator.name}:\n{output}"
            ran.add(validator.name)
    assert ran >= OPERATIONS_VALIDATORS


def test_locust_is_an_extra_so_the_default_install_stays_lean(renders: RenderCache) -> None:
    pyproject = tomllib.loads((render(renders, "default") / "pyproject.toml").read_text())
    assert any(
        dependency.startswith("locust")
        for dependency in pyproject["project"]["optional-dependencies"]["loadtest"]
    )
    assert not any(dependency.startswith("locust") for dependency in pyproject["dependency-groups"]["dev"])
    makefile = (render(renders, "default") / "Makefile").read_text()
    assert "$(RUN) --extra loadtest pytest" in makefile
    assert "loadtest: |" in makefile


@configuration_ids
def test_shipyard_readiness_finds_every_claimed_proof(
    renders: RenderCache, runner: CliRunner, configuration: str
) -> None:
    project = render(renders, configuration)
    result = runner.invoke(cli.app, ["readiness", str(project), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["missing_proofs"] == []
    states = {item["state"] for item in report["items"]}
    assert "done" in states
    if configuration == "default":
        available = {item["id"]: item["answer"] for item in report["items"] if item["state"] == "available"}
        assert available["4.7.1"] == "cache=redis"


def test_the_report_follows_the_answers(renders: RenderCache) -> None:
    default = (render(renders, "default") / "PRODUCTION-READINESS.md").read_text()
    all_on = (render(renders, "all-on") / "PRODUCTION-READINESS.md").read_text()
    assert "| 4.7.1 Redis caching layer" in default
    assert "| available | answer `cache=redis` |" in default
    assert "tests/features/test_cache.py::test_second_read_is_a_hit_with_the_same_body" in all_on
    assert "reset it) | available | answer `resilience=true` |" in all_on
    assert "| 4.7.7-http Circuit breaker and retries for outgoing HTTP calls | available |" in all_on
    not_built = "| rel.1-retries Retry with backoff for transient database and Redis errors | out of scope |"
    assert not_built in all_on


def test_a_missing_proof_fails_and_is_named(renders: RenderCache, runner: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "service"
    shutil.copytree(render(renders, "default"), project, ignore=shutil.ignore_patterns(".venv"))
    (project / "tests/operations/test_load_thresholds.py").unlink()
    result = runner.invoke(cli.app, ["readiness", str(project)])
    assert result.exit_code == 1
    assert "tests/operations/test_load_thresholds.py does not exist" in result.output


def test_readiness_of_a_directory_without_the_report_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["readiness", str(tmp_path)])
    assert result.exit_code == 2
    assert "has no docs/readiness.json" in result.output
