"""Every benchmark a generated module cites for its figures is in the generated repository.

Modules that keep a hand-written piece instead of a library give the measured reason and name
the script that measured it. A script of this template repository is cited as such ("of the
shipyard template repository"); any other must be under the render's own benchmarks/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.renders import RenderCache

# Every answer that adds a module citing a benchmark of its own.
WITH_FEATURE_BENCHMARKS = {"cache": "redis", "rate_limit": "redis", "tracing": True}
CITATION = re.compile(r"benchmarks/(\w+\.py)(?! of the shipyard template repository)")


def cited_benchmarks(project: Path) -> dict[str, set[str]]:
    """Script name -> the modules under app/ that cite it as a file of this repository."""
    cited: dict[str, set[str]] = {}
    for module in sorted((project / "app").rglob("*.py")):
        # Comment markers and line breaks removed, so a citation wrapped over lines still reads whole.
        text = " ".join(re.sub(r"^\s*#\s?", "", line) for line in module.read_text().splitlines())
        for name in CITATION.findall(re.sub(r"\s+", " ", text)):
            cited.setdefault(name, set()).add(str(module.relative_to(project)))
    return cited


@pytest.mark.parametrize("answers", [{}, WITH_FEATURE_BENCHMARKS], ids=["default", "feature-benchmarks"])
def test_every_cited_benchmark_is_in_the_render(renders: RenderCache, answers: dict[str, object]) -> None:
    project = renders.render(answers).project_dir
    cited = cited_benchmarks(project)
    assert cited, "no module cites a benchmark: the citation pattern no longer matches"
    missing = {
        name: modules for name, modules in cited.items() if not (project / "benchmarks" / name).is_file()
    }
    assert not missing, f"cited but not in the render's benchmarks/: {missing}"
