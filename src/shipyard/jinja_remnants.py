"""Finds Jinja left unrendered in a generated repo without flagging braces the service legitimately holds."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

BLOCK_TAGS = (
    *("if", "elif", "else", "endif", "for", "endfor", "set", "endset", "raw", "endraw"),
    *("macro", "endmacro", "call", "endcall", "filter", "endfilter", "include", "import", "from"),
    *("with", "endwith", "block", "endblock", "extends"),
)
RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
PATH_MARKERS = ("{{", "}}", "{%", "%}")


# Only files copier rendered (`*.jinja` sources) can hold remnants: a generated file identical to a
# verbatim template file is skipped. In rendered files a remnant is Jinja naming the template's own
# vocabulary (a question, `shipyard`, `_copier_*`), a block tag or a comment, so `${{ matrix.x }}`,
# Helm's `{{ .Values }}` or f-string braces do not match; lines emitted through {% raw %} are allowed.
def remnant_pattern(question_names: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in [*question_names, "shipyard"])
    return re.compile(
        rf"(?<!\$)\{{\{{-?\s*(?:{names}|_copier_\w*)\b"  # an expression using template variables
        rf"|\{{%-?\s*(?:{'|'.join(BLOCK_TAGS)})\b"  # a block tag
        r"|\{#.*?#\}"  # a comment
    )


def verbatim_digests(template_dir: Path) -> set[str]:
    return {_digest(path) for path in _files(template_dir) if path.suffix != ".jinja"}


def raw_lines(template_dir: Path) -> set[str]:
    """Stripped lines inside {% raw %} blocks of rendered sources: output the template means to emit."""
    lines: set[str] = set()
    for path in _files(template_dir):
        if path.suffix == ".jinja":
            for block in RAW_BLOCK.findall(path.read_text(encoding="utf-8", errors="replace")):
                lines.update(line.strip() for line in block.splitlines() if line.strip())
    return lines


def find_remnants(
    project_dir: Path, relative_files: Iterable[Path], template_dir: Path, question_names: Iterable[str]
) -> list[str]:
    """Every remnant as "path:line: text", plus paths whose names still hold Jinja markers."""
    pattern = remnant_pattern(question_names)
    verbatim = verbatim_digests(template_dir)
    allowed = raw_lines(template_dir)
    found: list[str] = []
    for relative in relative_files:
        if any(marker in str(relative) for marker in PATH_MARKERS) or relative.suffix == ".jinja":
            found.append(f"{relative}: unrendered path")
        path = project_dir / relative
        if _digest(path) in verbatim:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files are never rendered
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(line) and line.strip() not in allowed:
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
