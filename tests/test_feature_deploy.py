"""Deployment features (kubernetes, backups, ci): the files each answer renders, and every artifact
validator (kustomize/helm + kubernetes-validate + trivy, workflow schemas, actionlint, shellcheck)
passing on them. One slow test runs a backups render's own test suite against PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import pytest
import yaml

from shipyard.validators import applicable
from support.renders import RenderCache, RenderedService, failure_report

SLUG = "demo-service"  # from the default project name
CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "helm-github-backups": {"kubernetes": "helm", "ci": "github", "backups": True},
    "helm-github-observed": {
        **{"kubernetes": "helm", "ci": "github", "backups": True, "metrics": True},
        **{"monitoring": True, "tracing": True, "cache": "redis", "rate_limit": "redis"},
    },
    "kustomize-gitlab": {"kubernetes": "kustomize", "ci": "gitlab", "metrics": True, "cache": "redis"},
    "kustomize-gitlab-backups": {
        **{"kubernetes": "kustomize", "ci": "gitlab", "backups": True, "metrics": True},
        **{"monitoring": True, "tracing": True, "rate_limit": "redis"},
    },
    "nothing": {"kubernetes": "none", "ci": "none", "backups": False},
    "kustomize-auth-local": {"kubernetes": "kustomize", "ci": "none", "auth": "local"},
    "kustomize-auth-oidc": {"kubernetes": "kustomize", "ci": "none", "auth": "oidc"},
    "helm-auth-local": {"kubernetes": "helm", "ci": "none", "auth": "local"},
    "helm-auth-oidc": {"kubernetes": "helm", "ci": "none", "auth": "oidc"},
    "sqlite-helm-github": {"database": "sqlite", "kubernetes": "helm", "ci": "github"},
}
configuration_ids = pytest.mark.parametrize("configuration", list(CONFIGURATIONS))

HELM_CHART = [
    *(f"deploy/helm/{SLUG}/{name}" for name in ("Chart.yaml", "values.yaml", "values-production.yaml")),
    f"deploy/helm/{SLUG}/values.schema.json",
    f"deploy/helm/{SLUG}/templates/deployment.yaml",
    f"deploy/helm/{SLUG}/templates/migration-job.yaml",
]
KUSTOMIZE = [
    "deploy/kustomize/base/kustomization.yaml",
    "deploy/kustomize/base/deployment.yaml",
    "deploy/kustomize/overlays/staging/kustomization.yaml",
    "deploy/kustomize/overlays/production/kustomization.yaml",
]
BACKUPS = ["scripts/backup.sh", "scripts/restore.sh", "docs/backups.md", "tests/features/test_backups.py"]
GITHUB = [
    *(f".github/workflows/{name}.yml" for name in ("ci", "security", "docker", "release")),
    ".github/dependabot.yml",
]
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def render(renders: RenderCache, configuration: str) -> RenderedService:
    return renders.render(CONFIGURATIONS[configuration])


def expected_files(answers: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(paths that must exist, paths that must not) for these answers."""
    present: list[str] = []
    absent: list[str] = []
    kubernetes = answers.get("kubernetes", "none")
    (present if kubernetes == "helm" else absent).extend(HELM_CHART)
    (present if kubernetes == "kustomize" else absent).extend(KUSTOMIZE)
    (present if kubernetes != "none" else absent).append("docs/kubernetes.md")
    (present if answers.get("backups") else absent).extend(BACKUPS)
    (present if answers.get("ci") == "github" else absent).extend(GITHUB)
    (present if answers.get("ci") == "gitlab" else absent).append(".gitlab-ci.yml")
    (present if answers.get("ci") != "none" else absent).append("docs/ci.md")
    return present, absent


@configuration_ids
def test_each_answer_renders_its_files_and_only_those(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    present, absent = expected_files(CONFIGURATIONS[configuration])
    rendered = {str(path) for path in service.files}

    assert sorted(set(present) - rendered) == []
    assert sorted(set(absent) & rendered) == []
    if CONFIGURATIONS[configuration].get("kubernetes", "none") == "none":
        assert not (service.project_dir / "deploy").exists()


@configuration_ids
def test_every_artifact_validator_passes(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    answers = CONFIGURATIONS[configuration]
    expected = {
        "helm": answers.get("kubernetes") == "helm",
        "kustomize": answers.get("kubernetes") == "kustomize",
        "github-workflows-schema": answers.get("ci") == "github",
        "actionlint": answers.get("ci") == "github",
        "dependabot-schema": answers.get("ci") == "github",
        "gitlab-ci-schema": answers.get("ci") == "gitlab",
        "trivy-config": True,
        "hadolint": True,
    }

    ran = {}
    for validator, files in applicable(service.project_dir):
        ran[validator.name] = validator.run(service.project_dir, files)

    assert {name for name, wanted in expected.items() if wanted} <= set(ran)
    assert not {name for name, wanted in expected.items() if not wanted} & set(ran)
    failures = {name: output for name, (passed, output) in ran.items() if not passed}
    assert failures == {}, "\n\n".join(f"--- {name}\n{output}" for name, output in failures.items())


@pytest.mark.parametrize("configuration", ["helm-github-backups", "kustomize-gitlab-backups"])
def test_backup_scripts_are_shipped_once_and_scheduled(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    project = service.project_dir
    script = (project / "scripts/backup.sh").read_text(encoding="utf-8")
    copy = (
        project / f"deploy/helm/{SLUG}/files/backup.sh"
        if CONFIGURATIONS[configuration]["kubernetes"] == "helm"
        else project / "deploy/kustomize/base/backup.sh"
    )

    # The cluster's copy is the script itself, byte for byte (one source, included at render time).
    assert copy.read_text(encoding="utf-8") == script
    for name in ("backup.sh", "restore.sh"):
        assert os.access(project / "scripts" / name, os.X_OK)
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    backup = compose["services"]["backup"]
    assert backup["profiles"] == ["backup"]
    assert "healthcheck" in backup
    # A profile service is started on request only: nothing waits for it.
    assert "backup" not in compose["services"]["app"].get("depends_on", {})


@pytest.mark.parametrize("configuration", ["helm-github-backups", "sqlite-helm-github"])
def test_github_workflows_are_pinned_least_privileged_and_bounded(
    configuration: str, renders: RenderCache
) -> None:
    service = render(renders, configuration)

    for path in sorted((service.project_dir / ".github/workflows").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        workflow = yaml.safe_load(text)
        uses = [line.split("uses:", 1)[1].strip() for line in text.splitlines() if "uses:" in line]
        assert all(SHA_PINNED.match(use) for use in uses), f"{path.name}: {uses}"
        assert workflow["permissions"] == {}, path.name
        assert "concurrency" in workflow, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name}"
            assert "timeout-minutes" in job, f"{path.name}: job {name}"


def test_ci_services_follow_the_answers(renders: RenderCache) -> None:
    with_redis = yaml.safe_load(
        (render(renders, "helm-github-observed").project_dir / ".github/workflows/ci.yml").read_text()
    )
    sqlite = yaml.safe_load(
        (render(renders, "sqlite-helm-github").project_dir / ".github/workflows/ci.yml").read_text()
    )

    assert set(with_redis["jobs"]["test"]["services"]) == {"postgres", "redis"}
    assert "services" not in sqlite["jobs"]["test"]


def test_helm_values_follow_the_answers(renders: RenderCache) -> None:
    observed = yaml.safe_load(
        (render(renders, "helm-github-observed").project_dir / f"deploy/helm/{SLUG}/values.yaml").read_text()
    )
    plain = yaml.safe_load(
        (render(renders, "sqlite-helm-github").project_dir / f"deploy/helm/{SLUG}/values.yaml").read_text()
    )

    for values, on in ((observed, True), (plain, False)):
        assert values["metrics"]["serviceMonitor"]["enabled"] is on
        assert values["monitoring"]["prometheusRule"]["enabled"] is on
        assert values["tracing"]["enabled"] is on
        assert values["redis"]["enabled"] is on
        assert values["backup"]["enabled"] is on
    # preStop + drain + margin must exceed the app's own drain timeout (APP_SHUTDOWN_TIMEOUT_SECONDS).
    shutdown = observed["shutdown"]
    assert shutdown["drainSeconds"] == 30
    assert shutdown["preStopSeconds"] > 0 and shutdown["marginSeconds"] > 0


@pytest.mark.slow
def test_backups_render_passes_its_own_verification(
    renders: RenderCache, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("postgres_available")
    service = render(renders, "helm-github-backups")

    results = renders.verify(service)

    assert [result.status for result in results] == ["passed"] * len(results), failure_report(results)


KEYS_SECRET = f"{SLUG}-auth-keys"


def kustomize_production(service: RenderedService) -> list[dict[str, Any]]:
    overlay = service.project_dir / "deploy/kustomize/overlays/production"
    built = subprocess.run(
        ["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, check=True, timeout=120
    )
    return [document for document in yaml.safe_load_all(built.stdout) if document]


def helm_manifests(service: RenderedService, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    import helm_python as helm  # noqa: PLC0415 - loads a native library; only these tests need it

    rendered = helm.Chart.load(str(service.project_dir / f"deploy/helm/{SLUG}")).render(
        values, name="release", namespace="default"
    )
    text = "\n---\n".join(body for path, body in sorted(rendered.items()) if path.endswith(".yaml"))
    return [document for document in yaml.safe_load_all(text) if document]


def of_kind(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [document for document in documents if document["kind"] == kind]


@pytest.mark.parametrize("configuration", ["kustomize-auth-local", "helm-auth-local"])
def test_auth_local_mounts_the_signing_keys_secret_at_auth_keys_dir(
    configuration: str, renders: RenderCache
) -> None:
    service = render(renders, configuration)
    documents = kustomize_production(service) if "kustomize" in configuration else helm_manifests(service)
    [deployment] = of_kind(documents, "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    [volume] = [volume for volume in pod["volumes"] if "secret" in volume]
    assert volume["secret"]["secretName"] == KEYS_SECRET
    [app] = [container for container in pod["containers"] if container["name"] == "app"]
    [mount] = [mount for mount in app["volumeMounts"] if mount["name"] == volume["name"]]
    assert mount["readOnly"] is True
    config = {name: value for cm in of_kind(documents, "ConfigMap") for name, value in cm["data"].items()}
    assert config["AUTH_KEYS_DIR"] == mount["mountPath"]
    # No key is ever rendered into the manifests: the Secret is created from the generate command.
    assert not of_kind(documents, "Secret")
    docs = (service.project_dir / "docs/kubernetes.md").read_text()
    assert "python -m app.features.auth.keys generate" in docs
    assert f"create secret generic {KEYS_SECRET}" in docs


def oidc_egress(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        rule
        for policy in of_kind(documents, "NetworkPolicy")
        for rule in policy["spec"].get("egress", [])
        if any("ipBlock" in peer for peer in rule.get("to", []))
    ]


@pytest.mark.parametrize("configuration", ["kustomize-auth-oidc", "helm-auth-oidc"])
def test_auth_oidc_opens_egress_to_the_provider_only(configuration: str, renders: RenderCache) -> None:
    service = render(renders, configuration)
    documents = kustomize_production(service) if "kustomize" in configuration else helm_manifests(service)
    [rule] = oidc_egress(documents)
    assert rule["to"] == [{"ipBlock": {"cidr": "0.0.0.0/0"}}]
    assert rule["ports"] == [{"port": 443, "protocol": "TCP"}]
    # Nothing else may leave for HTTPS: the only other port-only rules are the backing services'.
    other_ports = {
        port["port"]
        for policy in of_kind(documents, "NetworkPolicy")
        for egress in policy["spec"].get("egress", [])
        if egress is not rule
        for port in egress.get("ports", [])
    }
    assert 443 not in other_ports
    [deployment] = of_kind(documents, "Deployment")
    assert not [volume for volume in deployment["spec"]["template"]["spec"]["volumes"] if "secret" in volume]


def test_helm_narrows_the_oidc_egress_to_the_configured_cidrs_and_port(renders: RenderCache) -> None:
    service = render(renders, "helm-auth-oidc")
    values = yaml.safe_load((service.project_dir / f"deploy/helm/{SLUG}/values.yaml").read_text())
    values["networkPolicy"].update(oidcCidrs=["203.0.113.0/24", "198.51.100.7/32"], oidcPorts=[8443])
    [rule] = oidc_egress(helm_manifests(service, values))
    assert rule["to"] == [{"ipBlock": {"cidr": "203.0.113.0/24"}}, {"ipBlock": {"cidr": "198.51.100.7/32"}}]
    assert rule["ports"] == [{"port": 8443, "protocol": "TCP"}]


WORKER_CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "kustomize-jobs": {"kubernetes": "kustomize", "ci": "none", "jobs": "nats", "metrics": True},
    "helm-jobs": {"kubernetes": "helm", "ci": "none", "jobs": "rabbitmq", "metrics": True},
}


def rendered_manifests(service: RenderedService) -> list[dict[str, Any]]:
    """The production manifests as the cluster gets them (kustomize overlay or Helm chart)."""
    if (service.project_dir / "deploy/kustomize").exists():
        return kustomize_production(service)
    return helm_manifests(service)


def egress_ports(policy: dict[str, Any]) -> set[int]:
    return {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]}


@pytest.mark.parametrize("configuration", list(WORKER_CONFIGURATIONS))
def test_the_worker_gets_its_own_deployment_probes_budget_and_egress(
    configuration: str, renders: RenderCache
) -> None:
    answers = WORKER_CONFIGURATIONS[configuration]
    documents = rendered_manifests(renders.render(answers))
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        by_kind.setdefault(document["kind"], []).append(document)
    (worker,) = [d for d in by_kind["Deployment"] if d["metadata"]["name"].endswith("-worker")]
    (web,) = [d for d in by_kind["Deployment"] if d is not worker]
    pod = worker["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    selector = worker["spec"]["selector"]["matchLabels"]
    web_selector = web["spec"]["selector"]["matchLabels"]
    config = next(d for d in by_kind["ConfigMap"] if "JOBS_SHUTDOWN_TIMEOUT_SECONDS" in d["data"])
    broker_port = {"nats": 4222, "rabbitmq": 5672}[answers["jobs"]]

    assert container["command"] == ["python", "-m", "app.worker"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["ports"][0]["containerPort"] == int(config["data"]["JOBS_HEALTH_PORT"])
    assert pod["terminationGracePeriodSeconds"] > float(config["data"]["JOBS_SHUTDOWN_TIMEOUT_SECONDS"])
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["resources"]["limits"] and container["resources"]["requests"]
    # The web Service, PDB and NetworkPolicy select the web pods only.
    assert not set(web_selector.items()) <= set(worker["spec"]["template"]["metadata"]["labels"].items())
    assert [p["spec"]["selector"]["matchLabels"] for p in by_kind["PodDisruptionBudget"]].count(selector) == 1
    policies = {p["metadata"]["name"]: p for p in by_kind["NetworkPolicy"]}
    worker_policy = policies[worker["metadata"]["name"]]
    assert worker_policy["spec"]["podSelector"]["matchLabels"] == selector
    assert {broker_port, 5432} <= egress_ports(worker_policy)
    (web_policy,) = [p for name, p in policies.items() if p is not worker_policy]
    assert broker_port in egress_ports(web_policy)
    (monitor,) = by_kind["PodMonitor"]
    assert monitor["spec"]["selector"]["matchLabels"] == selector
