"""Validators of the operations kit: the k6 load script's syntax (node) and the reverse proxy's Caddyfile.

k6 itself is not on PyPI or Debian; `node --check` parses the script as the ES module k6 loads
(imports are not resolved, so `k6/http` need not exist), which catches every syntax error.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from shipyard.validators.base import ArtifactValidator, glob, run_tool, tool


def _node_check(project: Path, files: list[Path]) -> tuple[bool, str]:
    outputs = []
    passed = True
    with tempfile.TemporaryDirectory(prefix="shipyard-k6-") as scratch:
        for script in files:
            # .mjs: node parses it as an ES module, as k6 does, whatever package.json says.
            module = Path(scratch) / f"{script.stem}.mjs"
            shutil.copyfile(script, module)
            checked = run_tool([tool("node"), "--check", str(module)], cwd=project)
            if checked.missing:
                return False, "node is not installed: apt-get install nodejs"
            passed = passed and checked.passed
            output = checked.output if checked.passed else checked.failure(tail_lines=None) + "\n"
            outputs.append(output.replace(str(module), str(script.relative_to(project))))
    return passed, "".join(outputs)


def _caddy_validate(project: Path, files: list[Path]) -> tuple[bool, str]:
    outputs = []
    passed = True
    for caddyfile in files:
        command = [tool("caddy"), "validate", "--adapter", "caddyfile", "--config", str(caddyfile)]
        validated = run_tool(command, cwd=caddyfile.parent)
        if validated.missing:
            return False, "caddy is not installed: apt-get install caddy"
        passed = passed and validated.passed
        outputs.append(validated.output if validated.passed else validated.failure(tail_lines=None) + "\n")
    return passed, "".join(outputs)


VALIDATORS: tuple[ArtifactValidator, ...] = (
    ArtifactValidator(
        name="k6-syntax",
        files=glob("loadtests/*.js"),
        command=lambda files: [tool("node"), "--check", *map(str, files)],
        install_hint="apt-get install nodejs",
        check=_node_check,
    ),
    ArtifactValidator(
        name="caddy",
        files=glob("proxy/Caddyfile"),
        command=lambda files: [tool("caddy"), "validate", *map(str, files)],
        install_hint="apt-get install caddy",
        check=_caddy_validate,
    ),
)
