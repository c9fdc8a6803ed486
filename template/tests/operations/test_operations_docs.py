"""The operations documents and files a deployment relies on say what they must (static checks)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from tests.support.database import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
CADDYFILE = PROJECT_ROOT / "proxy" / "Caddyfile"
SHELL_BLOCK = re.compile(r"```(?:sh|bash|console)\n(.+?)```", re.DOTALL)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def sections(markdown: str) -> dict[str, str]:
    """Level-2 heading (lower case) -> its body."""
    parts = re.split(r"^## +(.+)$", markdown, flags=re.MULTILINE)
    return {
        title.strip().lower(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def test_the_production_proxy_terminates_tls_and_limits_requests() -> None:
    compose = yaml.safe_load(text(PROJECT_ROOT / "compose.yaml"))
    proxy = compose["services"]["proxy"]
    assert "443:443" in proxy["ports"]
    assert "./proxy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    config = text(CADDYFILE)
    assert "{$PROXY_DOMAIN:localhost} {" in config  # a site address: Caddy serves it over TLS
    for directive in ("max_size 10MB", "max_header_size 16KB", "read_header", "read_body", "idle"):
        assert directive in config
    assert "request_header @without_request_id X-Request-ID {http.request.uuid}" in config
    assert "reverse_proxy app:8000" in config


def test_the_image_runs_as_a_non_root_user_with_a_health_check() -> None:
    dockerfile = text(PROJECT_ROOT / "Dockerfile")
    assert len(re.findall(r"^FROM ", dockerfile, flags=re.MULTILINE)) >= 2
    user = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert user, "the image sets no USER"
    assert user[-1].split(":")[0] not in {"root", "0"}
    assert "HEALTHCHECK" in dockerfile


def test_each_deploy_guide_is_a_list_of_commands() -> None:
    guides = sorted((DOCS / "deploy").glob("*.md"))
    assert DOCS / "deploy" / "vm.md" in guides
    kubernetes = any((PROJECT_ROOT / "deploy" / tool).exists() for tool in ("helm", "kustomize"))
    assert ((DOCS / "deploy" / "kubernetes.md") in guides) is kubernetes
    for guide in guides:
        steps = re.split(r"^### ", text(guide), flags=re.MULTILINE)[1:]
        assert steps, f"{guide.name} has no steps"
        for step in steps:
            title = step.splitlines()[0]
            assert SHELL_BLOCK.search(step), f"{guide.name}: step {title!r} has no command"


def test_the_production_checklist_covers_each_phase() -> None:
    checklist = sections(text(DOCS / "production-checklist.md"))
    for phase in (
        "pre-deploy",
        "deploy",
        "post-deploy validation",
        "monitoring",
        "backups",
        "security",
    ):
        assert phase in checklist, f"the checklist has no '## {phase}' section"
        assert "- [ ]" in checklist[phase]


def test_the_troubleshooting_guide_covers_the_usual_failures() -> None:
    guide = sections(text(DOCS / "troubleshooting.md"))
    for failure in (
        "failing health checks",
        "database connections",
        "redis",
        "high latency",
        "memory growth",
    ):
        assert failure in guide, f"troubleshooting.md has no '## {failure}' section"
        assert SHELL_BLOCK.search(guide[failure]), f"'{failure}' gives no diagnostic command"


def test_the_runbook_has_the_incident_sections_and_a_diagram() -> None:
    runbook = text(DOCS / "runbook.md")
    assert "```mermaid\nflowchart" in runbook
    parts = sections(runbook)
    for section in ("architecture", "incident response", "escalation", "on-call"):
        assert section in parts, f"the runbook has no '## {section}' section"
