"""Copier context hook: turns the answers into the data the shared template files loop over."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from copier_template_extensions import ContextHook


def _load_sibling(name: str) -> ModuleType:
    # Copier loads this file by path. `copier update` renders two template versions in one
    # process, so the sibling gets a name unique to this checkout instead of a sys.path entry.
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"shipyard_ext_{abs(hash(path))}_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compiled_strings = _load_sibling("compiled_strings")
feature_data = _load_sibling("feature_data")
readiness = _load_sibling("readiness")


class ShipyardContext(ContextHook):
    """Adds `shipyard` (enabled features, dependencies, env vars, compose services) to every render."""

    _built: list[tuple[dict[str, Any], dict[str, Any]]]

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self._built = []
        compiled_strings.cache_compiled_strings(environment)
        compiled_strings.keep_compiled_files(environment)

    def hook(self, context: dict[str, Any]) -> None:
        # While questions are asked the answers are incomplete; the data is only needed to render files.
        if str(context.get("_copier_phase")) == "prompt":
            return
        answers = {
            key: value for key, value in context.items() if not key.startswith("_") and key != "shipyard"
        }
        # Jinja makes a context for every file and path part (over a thousand per render): build once
        # per set of answers (two sets in `copier update`), found by a dict comparison, not serialising.
        for seen, built in self._built:
            if seen == answers:
                context["shipyard"] = built
                return
        built = feature_data.build_context(answers, self.environment)
        built["readiness"] = readiness.build_readiness(answers, self.environment)
        self._built.append((answers, built))
        context["shipyard"] = built
