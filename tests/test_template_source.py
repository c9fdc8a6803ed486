"""Which template is rendered: this checkout from a source install, else the bundled copy, or --template."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard import template_source
from shipyard.errors import ShipyardError
from shipyard.template_source import default_template_dir, open_template


def test_checkout_is_used_when_running_from_the_repository(template_root: Path) -> None:
    assert default_template_dir() == template_source.CHECKOUT_ROOT
    assert (default_template_dir() / "copier.yml").read_bytes() == (template_root / "copier.yml").read_bytes()


def test_checkout_renders_its_working_tree_not_its_latest_tag() -> None:
    with open_template() as source:
        assert source.vcs_ref == "HEAD"


def test_bundled_copy_is_used_outside_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "_template"
    bundled.mkdir()
    (bundled / "copier.yml").write_text("_subdirectory: template\n")
    monkeypatch.setattr(template_source, "CHECKOUT_ROOT", tmp_path / "site-packages")
    monkeypatch.setattr(template_source, "BUNDLED_ROOT", bundled)

    with open_template() as source:
        assert source.local_dir == bundled
        assert source.vcs_ref is None  # not a git checkout: copier copies the directory as it is


def test_no_template_at_all_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_source, "CHECKOUT_ROOT", tmp_path / "a")
    monkeypatch.setattr(template_source, "BUNDLED_ROOT", tmp_path / "b")

    with pytest.raises(ShipyardError, match="pass --template"):
        default_template_dir()


def test_local_template_override(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("name: x\n")

    with open_template(str(tmp_path)) as source:
        assert source.local_dir == tmp_path.resolve()
        assert source.location == str(tmp_path.resolve())


def test_git_url_template_is_cloned_for_reading_and_removed_after(
    tmp_path: Path, template_root: Path
) -> None:
    # A file:// URL goes through the same clone path as a remote one.
    with open_template(f"git+{template_root.as_uri()}", vcs_ref="HEAD") as source:
        assert (source.local_dir / "copier.yml").is_file()
        assert source.local_dir != template_root
        clone = source.local_dir
    assert not clone.exists()
