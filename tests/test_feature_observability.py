"""Observability features (metrics, tracing, monitoring): the files and settings each answer renders,
the monitoring validators (promtool, amtool, Grafana's dashboard schema) passing on a render, and one
full verification of a render with all three on."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
import yaml

from shipyard.validators import applicable
from support.renders import RenderCache, RenderedService, failure_report

OBSERVED = {"metrics": True, "tracing": True, "monitoring": True}
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "none": {},
    "metrics": {"metrics": True},
    "tracing": {"tracing": True},
    "monitoring": {"metrics": True, "monitoring": True},
    "observed": OBSERVED,
    "observed-sqlite": {**OBSERVED, "database": "sqlite"},
    "observed-redis": {**OBSERVED, "cache": "redis", "rate_limit": "redis"},
    "observed-memory-limits": {**OBSERVED, "rate_limit": "memory"},
}
configuration_ids = pytest.mark.parametrize("configuration", list(CONFIGURATIONS))

METRICS_FILES = [
    "app/features/metrics/__init__.py",
    "app/features/metrics/middleware.py",
    "tests/features/test_metrics.py",
    "docs/features/metrics.md",
]
TRACING_FILES = [
    "app/features/tracing/__init__.py",
    "app/features/tracing/middleware.py",
    "app/features/tracing/export_logs.py",
    "tests/features/test_tracing.py",
    "tests/features/test_tracing_collector_down.py",
    "docs/features/tracing.md",
]
MONITORING_FILES = [
    "monitoring/prometheus/alerts.yml",
    "monitoring/prometheus/alerts.test.yml",
    "monitoring/prometheus/prometheus.yml",
    "monitoring/alertmanager/alertmanager.yml",
    "monitoring/grafana/dashboard.schema.json",
    "monitoring/grafana/dashboards/service-overview.json",
    "monitoring/grafana/dashboards/database.json",
    "monitoring/grafana/provisioning/datasources/datasources.yml",
    "monitoring/grafana/provisioning/dashboards/dashboards.yml",
    "tests/features/test_monitoring.py",
    "docs/alerts.md",
    "docs/features/monitoring.md",
]
MONITORING_VALIDATORS = {
    "promtool-check-rules",
    "promtool-test-rules",
    "promtool-check-config",
    "amtool-check-config",
    "grafana-dashboard-schema",
    "compose-schema",
    "yamllint",
}


def render(renders: RenderCache, configuration: str) -> RenderedService:
    return renders.render(CONFIGURATIONS[configuration])


def expected_files(answers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(paths that must exist, paths that must not) for these answers."""
    present: list[str] = []
    absent: list[str] = []
    monitoring = bool(answers.get("monitoring"))
    cache, rate_limit = answers.get("cache", "none"), answers.get("rate_limit", "none")
    (present if answers.get("metrics") else absent).extend(METRICS_FILES)
    (present if answers.get("tracing") else absent).extend(TRACING_FILES)
    (present if monitoring else absent).extend(MONITORING_FILES)
    dashboards = "monitoring/grafana/dashboards"
    (present if monitoring and cache == "redis" else absent).append(f"{dashboards}/cache.json")
    (present if monitoring and rate_limit != "none" else absent).append(f"{dashboards}/rate-limits.json")
    with_redis = answers.get("tracing") and "redis" in (cache, rate_limit)
    (present if with_redis else absent).append("tests/features/test_tracing_redis.py")
    return present, absent


def load_yaml(service: RenderedService, path: str) -> Any:
    return yaml.safe_load((service.project_dir / path).read_text(encoding="utf-8"))


@configuration_ids
def test_each_answer_renders_its_files_and_only_those(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    present, absent = expected_files(CONFIGURATIONS[configuration])
    rendered = {str(path) for path in service.files}

    assert sorted(set(present) - rendered) == []
    assert sorted(set(absent) & rendered) == []


@configuration_ids
def test_dependencies_and_settings_follow_the_answers(configuration: str, renders: RenderCache) -> None:
    answers = CONFIGURATIONS[configuration]
    service = render(renders, configuration)
    project = tomllib.loads((service.project_dir / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = " ".join(project["project"]["dependencies"])
    env_example = (service.project_dir / ".env.example").read_text(encoding="utf-8")

    assert ("prometheus-client" in dependencies) is bool(answers.get("metrics"))
    assert ("opentelemetry-sdk" in dependencies) is bool(answers.get("tracing"))
    # http/protobuf, not grpc: the exporter must not pull grpcio in.
    assert "grpc" not in dependencies
    assert ("METRICS_PORT=" in env_example) is bool(answers.get("metrics"))
    assert ("PROMETHEUS_MULTIPROC_DIR=" in env_example) is bool(answers.get("metrics"))
    assert ("TRACING_OTLP_ENDPOINT=" in env_example) is bool(answers.get("tracing"))


@configuration_ids
def test_observability_services_sit_in_a_compose_profile(configuration: str, renders: RenderCache) -> None:
    answers = CONFIGURATIONS[configuration]
    services = load_yaml(render(renders, configuration), "compose.yaml")["services"]
    profiled = {name for name, body in services.items() if body.get("profiles") == ["observability"]}

    expected = ({"jaeger"} if answers.get("tracing") else set()) | (
        {"prometheus", "alertmanager", "grafana"} if answers.get("monitoring") else set()
    )
    assert profiled == expected
    assert all("healthcheck" in services[name] for name in profiled)
    # Started only with --profile observability, so nothing may wait for them.
    assert not profiled & set(services["app"].get("depends_on", {}))
    assert not profiled & set(services["migrate"].get("depends_on", {}))


@pytest.mark.parametrize("configuration", ["monitoring", "observed-redis", "observed-memory-limits"])
def test_alert_rules_follow_the_answers(configuration: str, renders: RenderCache) -> None:
    answers = CONFIGURATIONS[configuration]
    service = render(renders, configuration)
    alerts = {
        rule["alert"]
        for group in load_yaml(service, "monitoring/prometheus/alerts.yml")["groups"]
        for rule in group["rules"]
    }
    tested = {
        case["alertname"]
        for test in load_yaml(service, "monitoring/prometheus/alerts.test.yml")["tests"]
        for case in test["alert_rule_test"]
    }

    core = {"ServiceInstanceDown", "ServiceHighErrorRate", "ServiceHighLatency"}
    assert core | {"DatabasePoolExhausted", "ProcessMemoryHigh"} <= alerts
    assert ({"CacheErrors", "CacheHitRatioLow"} <= alerts) is (answers.get("cache") == "redis")
    assert ("RateLimitRejectionsHigh" in alerts) is (answers.get("rate_limit", "none") != "none")
    assert ("RateLimitBackendErrors" in alerts) is (answers.get("rate_limit") == "redis")
    assert alerts == tested


def test_dashboards_are_provisioned_for_grafana(renders: RenderCache) -> None:
    service = render(renders, "observed-redis")
    dashboards = sorted((service.project_dir / "monitoring/grafana/dashboards").glob("*.json"))
    datasources = load_yaml(service, "monitoring/grafana/provisioning/datasources/datasources.yml")

    assert {path.name for path in dashboards} == {
        "service-overview.json",
        "database.json",
        "cache.json",
        "rate-limits.json",
    }
    assert {source["uid"] for source in datasources["datasources"]} == {"prometheus", "jaeger"}
    for path in dashboards:
        board = json.loads(path.read_text(encoding="utf-8"))
        assert board["panels"], path.name
        sources = {
            target["datasource"]["uid"] for panel in board["panels"] for target in panel.get("targets", [])
        }
        assert sources == {"${datasource}"}, path.name


@pytest.mark.parametrize("configuration", ["monitoring", "observed-redis", "observed-sqlite"])
def test_monitoring_validators_pass(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)

    ran = {}
    for validator, files in applicable(service.project_dir):
        if validator.name in MONITORING_VALIDATORS:
            ran[validator.name] = validator.run(service.project_dir, files)

    assert set(ran) == MONITORING_VALIDATORS
    failures = {name: output for name, (passed, output) in ran.items() if not passed}
    assert failures == {}, "\n\n".join(f"--- {name}\n{output}" for name, output in failures.items())


def test_no_monitoring_validator_applies_without_monitoring(renders: RenderCache) -> None:
    service = render(renders, "observed-sqlite")
    plain = render(renders, "metrics")

    assert {validator.name for validator, _ in applicable(plain.project_dir)}.isdisjoint(
        MONITORING_VALIDATORS - {"compose-schema", "yamllint"}
    )
    assert (service.project_dir / "monitoring").is_dir()


@pytest.mark.slow
def test_observed_render_passes_its_own_verification(
    renders: RenderCache, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("postgres_available")
    service = render(renders, "observed")

    results = renders.verify(service)

    assert [result.status for result in results] == ["passed"] * len(results), failure_report(results)
