"""Monitoring validators (monitoring=true): Prometheus rules and tests, Alertmanager, Grafana dashboards."""

from __future__ import annotations

from shipyard.validators.base import ArtifactValidator, glob, tool

# Monitoring artifacts (monitoring=true): Prometheus rules and their unit tests, the Prometheus and
# Alertmanager configurations, and Grafana dashboards against the dashboard JSON schema the render
# ships (generated from npm @grafana/schema). promtool and amtool come from the distribution:
PROMETHEUS_TOOLS_HINT = (
    "apt-get update && apt-get install -y --no-install-recommends prometheus prometheus-alertmanager"
)
DASHBOARD_SCHEMA = "monitoring/grafana/dashboard.schema.json"

VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="promtool-check-rules",
        files=glob("monitoring/prometheus/alerts.yml"),
        command=lambda files: [tool("promtool"), "check", "rules", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="promtool-test-rules",
        files=glob("monitoring/prometheus/*.test.yml"),
        command=lambda files: [tool("promtool"), "test", "rules", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="promtool-check-config",
        files=glob("monitoring/prometheus/prometheus.yml"),
        command=lambda files: [tool("promtool"), "check", "config", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="amtool-check-config",
        files=glob("monitoring/alertmanager/alertmanager.yml"),
        command=lambda files: [tool("amtool"), "check-config", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="grafana-dashboard-schema",
        files=glob("monitoring/grafana/dashboards/*.json"),
        command=lambda files: [
            tool("check-jsonschema"),
            "--schemafile",
            DASHBOARD_SCHEMA,
            *map(str, files),
        ],
        install_hint="pip install check-jsonschema",
    ),
)
