"""Cache and rate-limit features: what each answer renders (code, tests, docs, dependencies, settings,
compose), the shared REDIS_URL declared once, and one full verification with both on Redis."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.renders import RenderCache, RenderedService, failure_report

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "none": {"cache": "none", "rate_limit": "none", "database": "sqlite"},
    "cache": {"cache": "redis", "database": "sqlite"},
    "rate-limit-memory": {"rate_limit": "memory", "database": "sqlite"},
    "rate-limit-redis": {"rate_limit": "redis", "database": "sqlite"},
    "both-redis-metrics": {"cache": "redis", "rate_limit": "redis", "metrics": True},
}
configuration_ids = pytest.mark.parametrize("configuration", list(CONFIGURATIONS))

CACHE_FILES = [
    "app/features/cache/__init__.py",
    "app/features/cache/redis_cache.py",
    "app/features/cache/single_flight.py",
    "app/features/cache/invalidations.py",
    "tests/features/test_cache.py",
    "tests/features/test_cache_outages.py",
    "tests/features/test_cache_recovery.py",
    "docs/features/cache.md",
]
RATE_LIMIT_FILES = [
    "app/features/rate_limit/__init__.py",
    "app/features/rate_limit/middleware.py",
    "tests/features/test_rate_limit.py",
    "docs/features/rate_limit.md",
]
RATE_LIMIT_REDIS_FILES = [
    "app/features/rate_limit/redis_window.py",
    "tests/features/test_rate_limit_redis.py",
]
REDIS_FILES = [
    "app/core/redis_pool.py",
    "tests/features/redis_support.py",
    "tests/features/conftest.py",
    "tests/features/test_redis_pool.py",
]
CACHE_VARIABLES = [
    *("CACHE_TTL_SECONDS", "CACHE_REDIS_CRITICAL", "CACHE_KEY_PREFIX"),
    "CACHE_MAX_PENDING_INVALIDATIONS",
]
RATE_LIMIT_VARIABLES = [
    *("RATE_LIMIT_DEFAULT", "RATE_LIMIT_WRITE", "RATE_LIMIT_ROUTES", "RATE_LIMIT_ALLOWLIST"),
    *("RATE_LIMIT_TRUSTED_PROXIES", "RATE_LIMIT_FAIL_OPEN"),
]
RATE_LIMIT_REDIS_VARIABLES = ["RATE_LIMIT_REDIS_TIMEOUT_SECONDS"]
# The one pool's, whichever Redis feature brought it; each once.
REDIS_VARIABLES = ["REDIS_URL", "REDIS_POOL_SIZE", "REDIS_SOCKET_TIMEOUT_SECONDS", "REDIS_SENTINEL_HOSTS"]
# A variable line of .env.example: `NAME=default`, or `# NAME=example` left commented out.
ASSIGNMENT = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def answers_of(configuration: str) -> dict[str, Any]:
    return CONFIGURATIONS[configuration]


def uses_redis(answers: dict[str, Any]) -> bool:
    return answers.get("cache") == "redis" or answers.get("rate_limit") == "redis"


def split(condition: bool, names: list[str], present: list[str], absent: list[str]) -> None:
    (present if condition else absent).extend(names)


def expected_files(answers: dict[str, Any]) -> tuple[list[str], list[str]]:
    present: list[str] = []
    absent: list[str] = []
    cache = answers.get("cache") == "redis"
    rate_limit = answers.get("rate_limit", "none")
    split(cache, CACHE_FILES, present, absent)
    split(rate_limit != "none", RATE_LIMIT_FILES, present, absent)
    split(rate_limit == "redis", RATE_LIMIT_REDIS_FILES, present, absent)
    split(uses_redis(answers), REDIS_FILES, present, absent)
    # Prometheus counters only where the metrics feature provides prometheus_client.
    split(cache and bool(answers.get("metrics")), ["app/features/cache/cache_metrics.py"], present, absent)
    metrics_module = "app/features/rate_limit/rate_limit_metrics.py"
    split(rate_limit != "none" and bool(answers.get("metrics")), [metrics_module], present, absent)
    return present, absent


def render(renders: RenderCache, configuration: str) -> RenderedService:
    return renders.render(answers_of(configuration))


@configuration_ids
def test_each_answer_renders_its_files_and_only_those(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    present, absent = expected_files(answers_of(configuration))
    rendered = {str(path) for path in service.files}

    assert sorted(set(present) - rendered) == []
    assert sorted(set(absent) & rendered) == []


@configuration_ids
def test_dependencies_follow_the_answers(configuration: str, renders: RenderCache) -> None:
    answers = answers_of(configuration)
    service = render(renders, configuration)
    pyproject = (service.project_dir / "pyproject.toml").read_text(encoding="utf-8")

    assert ('"redis>=' in pyproject) == uses_redis(answers)
    assert ('"limits>=' in pyproject) == (answers.get("rate_limit", "none") != "none")


@configuration_ids
def test_env_example_lists_the_feature_settings(configuration: str, renders: RenderCache) -> None:
    answers = answers_of(configuration)
    service = render(renders, configuration)
    names = ASSIGNMENT.findall((service.project_dir / ".env.example").read_text(encoding="utf-8"))
    rate_limit = answers.get("rate_limit", "none")

    for name in REDIS_VARIABLES:
        assert names.count(name) == (1 if uses_redis(answers) else 0), name
    for name in CACHE_VARIABLES:
        assert (name in names) == (answers.get("cache") == "redis"), name
    for name in RATE_LIMIT_VARIABLES:
        assert (name in names) == (rate_limit != "none"), name
    for name in RATE_LIMIT_REDIS_VARIABLES:
        assert (name in names) == (rate_limit == "redis"), name
    configuration_doc = (service.project_dir / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert configuration_doc.count("`REDIS_URL`") == (1 if uses_redis(answers) else 0)


@configuration_ids
def test_compose_runs_redis_when_a_feature_needs_it(configuration: str, renders: RenderCache) -> None:
    answers = answers_of(configuration)
    service = render(renders, configuration)
    compose = yaml.safe_load((service.project_dir / "compose.yaml").read_text(encoding="utf-8"))

    if not uses_redis(answers):
        assert "redis" not in compose["services"]
        assert "REDIS_URL" not in compose["services"]["app"]["environment"]
        return
    redis = compose["services"]["redis"]
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert redis["networks"] == ["backend"]
    assert compose["services"]["app"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert compose["services"]["app"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_a_variable_two_features_declare_is_merged_once() -> None:
    spec = importlib.util.spec_from_file_location(
        "feature_data", REPO_ROOT / "extensions" / "feature_data.py"
    )
    assert spec is not None and spec.loader is not None
    feature_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(feature_data)
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    answers = {
        name: (body.get("default") if isinstance(body, dict) else body)
        for name, body in questions.items()
        if not name.startswith("_")
    }
    answers.update(cache="redis", rate_limit="redis", project_slug="demo-service")

    merged = feature_data.build_context(answers)

    declared = [var["name"] for group in merged["env_groups"].values() for var in group]
    assert declared.count("REDIS_URL") == 1
    assert len(merged["test_services"]) == len(set(merged["test_services"]))
    assert {"cache", "rate_limit", "rate_limit_redis"} <= set(merged["features"])
    assert all(merged["feature_summaries"][name] for name in ("cache", "rate_limit", "rate_limit_redis"))


@pytest.mark.slow
def test_service_with_cache_and_rate_limit_on_redis_passes_verification(
    renders: RenderCache, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("postgres_available")
    service = renders.render({"cache": "redis", "rate_limit": "redis"})

    results = renders.verify(service)

    assert [result.status for result in results] == ["passed"] * len(results), failure_report(results)
