"""Renders reuse the template files Jinja compiled before, and never a stale one after an edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE_PATTERN = "shipyard-template-*.cache"


def render(template: Path, destination: Path, temp_dir: Path) -> None:
    # Jinja keeps its cache in a private folder of the temporary directory: one per test here.
    env = {**os.environ, "TMPDIR": str(temp_dir)}
    command = [sys.executable, "-m", "shipyard", "new", str(destination), "-t", str(template)]
    subprocess.run([*command, "--defaults", "--quiet"], env=env, check=True, capture_output=True)


def test_a_second_render_reuses_compiled_files_and_an_edited_file_is_compiled_again(
    template_snapshot: Path, tmp_path: Path
) -> None:
    template = tmp_path / "template-copy"
    shutil.copytree(template_snapshot, template)
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()

    render(template, tmp_path / "first", temp_dir)
    cached = {path: path.stat().st_mtime_ns for path in temp_dir.glob(f"*/{CACHE_PATTERN}")}
    assert len(cached) > 10, "the template files were not kept compiled"

    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nEdited after the first render.\n")
    render(template, tmp_path / "second", temp_dir)

    assert "Edited after the first render." in (tmp_path / "second" / "README.md").read_text()
    assert "Edited after the first render." not in (tmp_path / "first" / "README.md").read_text()
    rewritten = [path for path, mtime in cached.items() if path.stat().st_mtime_ns != mtime]
    assert len(rewritten) == 1, "only the edited file is compiled again"
