"""Keeps the templates Jinja compiles from strings, so copier compiles each distinct string once per render.

Copier renders every part of every path in the template tree, and each question's default, `when`
and validator, through `Environment.from_string`, which compiles anew on every call. The tree puts a
feature's condition in its folder's name (`{% if cache == 'redis' %}cache{% endif %}`), so the same
few strings are compiled once for every file below them: about 3,000 compiles of a few hundred
distinct strings per render, a third of its time (benchmarks/render_time.py).

The template files themselves are compiled once per render, about 50 of them for every feature on.
Jinja's own bytecode cache keeps them compiled between renders, in its private per-user directory.
It is keyed on each file's name in the template (copier often renders from a fresh clone, so the
path changes every time) and Jinja checks the source's checksum, so a changed file is compiled again.
"""

from __future__ import annotations

import contextlib
from typing import Any

from jinja2 import FileSystemBytecodeCache

# A render has a few hundred distinct strings; the bound only guards a process that renders many.
MAX_TEMPLATES = 4096


def cache_compiled_strings(environment: Any) -> None:
    """Make `environment.from_string` return the template compiled earlier from the same string."""
    compile_string = environment.from_string
    compiled: dict[str, Any] = {}

    def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return compile_string(source, globals, template_class)
        template = compiled.get(source)
        if template is None:
            if len(compiled) >= MAX_TEMPLATES:
                compiled.clear()
            template = compiled[source] = compile_string(source)
        else:
            # Compiling runs the extensions' preprocess step, which may reset state kept per string
            # (copier's `yield` tag does); run it for a reused template too.
            environment.preprocess(source)
        return template

    environment.from_string = from_string


class _CacheByTemplateName(FileSystemBytecodeCache):
    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)


def keep_compiled_files(environment: Any) -> None:
    """Give `environment` Jinja's on-disk bytecode cache, unless it has a cache already."""
    if environment.bytecode_cache is not None:
        return
    # Without a private cache directory (Jinja refuses a shared one), compile every time, as before.
    with contextlib.suppress(OSError, RuntimeError):
        environment.bytecode_cache = _CacheByTemplateName(pattern="shipyard-template-%s.cache")
