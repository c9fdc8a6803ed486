"""The matrix's team edit: applied to a real render, checked after updates, looked past in comparisons."""

from __future__ import annotations

import subprocess
from pathlib import Path

from shipyard import team_edits
from shipyard.matrix import project as matrix_project

REPO_ROOT = Path(__file__).resolve().parents[1]


def render(destination: Path, *data: str) -> Path:
    matrix_project.render(str(REPO_ROOT), destination, dict(item.split("=", 1) for item in data))
    return destination


def test_the_edit_adds_a_registered_domain_with_its_migration(tmp_path: Path) -> None:
    project = render(tmp_path / "svc", "metrics=true")
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    applied = team_edits.apply(project)

    assert applied == ["dependency", "settings default", "feature:app/features/metrics/__init__.py"]
    domains = (project / "app" / "domains.py").read_text(encoding="utf-8")
    assert "ROUTERS: tuple[APIRouter, ...] = (items_router, orders_router)" in domains
    migration = (project / "migrations" / "versions" / "orders_0001_create_orders.py").read_text()
    assert 'down_revision: str | None = "0001"' in migration
    assert '"email-validator>=2.2"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "statement_timeout_ms: NonNegativeInt = 5000" in (project / "app/core/settings.py").read_text()
    assert team_edits.lost_edits(project) == []


def test_a_lost_edit_is_named(tmp_path: Path) -> None:
    project = render(tmp_path / "svc")
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    team_edits.apply(project)
    (project / "app" / "orders" / "router.py").unlink()
    settings = project / "app" / "core" / "settings.py"
    settings.write_text(settings.read_text().replace("NonNegativeInt = 5000\n", "NonNegativeInt = 10000\n"))

    lost = team_edits.lost_edits(project)
    assert "app/orders/router.py: the team's file was lost or changed" in lost
    assert "app/core/settings.py: the team's settings default edit was lost" in lost


def test_a_render_without_the_anchors_is_compared_past_them(tmp_path: Path) -> None:
    # A render without features takes no feature edit; a fresh one with them does: no difference.
    plain = render(tmp_path / "plain", "metrics=true")
    edited = render(tmp_path / "edited", "metrics=true")
    team_edits.apply(plain)
    team_edits.apply(edited)
    feature = edited / "app" / "features" / "metrics" / "__init__.py"
    feature.write_text(feature.read_text().replace(team_edits.FEATURE_LINE, ""))
    assert matrix_project.differences(plain, edited) == []
    feature.write_text(feature.read_text() + "\nSOMETHING_ELSE = 1\n")
    assert matrix_project.differences(plain, edited) == ["differs: app/features/metrics/__init__.py"]
