"""Loads feature manifests (extensions/features/*.yml) and merges the ones the answers enable.

The one reader of the manifests: the context hook (extensions/context.py) and the CLI's
`shipyard features` (src/shipyard/features.py, which loads this file from the template it reads)
both use `load_manifests` and `is_enabled`, so a manifest means the same thing to both.

A manifest says what one answer adds to the shared files: runtime and dev dependencies, environment
variables (with description, required flag and a safe example), compose services and volumes, and
the environment and volume mounts the app container needs in compose, and what the generated tests
need running (listed in the generated README).
Shared files (pyproject.toml, .env.example, compose.yaml, README) loop over the merged result,
so adding a feature means adding a manifest and a template folder, never editing those files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST_DIR = Path(__file__).parent / "features"
# libyaml's loader when PyYAML has it (the wheels do): the pure-Python one is several times slower.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def load_manifests() -> tuple[dict[str, Any], ...]:
    """Every manifest, ordered by its `order` (then file name), so merged output is stable."""
    manifests = []
    for path in sorted(MANIFEST_DIR.glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        data.setdefault("name", path.stem)
        data.setdefault("order", 50)
        manifests.append(data)
    return tuple(sorted(manifests, key=lambda m: (m["order"], m["name"])))


def is_enabled(manifest: dict[str, Any], answers: dict[str, Any]) -> bool:
    """A manifest applies when its question has its value (or is true, for a bool question)."""
    question = manifest.get("question")
    if question is None:
        return True
    if question not in answers:
        raise KeyError(f"manifest {manifest['name']!r} names unknown question {question!r}")
    answer = answers[question]
    if "value" in manifest:
        return bool(answer == manifest["value"])
    return bool(answer) and answer != "none"


def build_context(answers: dict[str, Any], environment: Any = None) -> dict[str, Any]:
    """Merge the enabled manifests into one mapping the templates loop over.

    Manifest strings may contain Jinja (e.g. `{{ project_slug }}`); they are rendered with the answers.
    """
    enabled = [m for m in load_manifests() if is_enabled(m, answers)]
    merged: dict[str, Any] = {
        "features": [m["name"] for m in enabled],
        "feature_summaries": {m["name"]: m.get("summary", "") for m in enabled},
        "dependencies": [],
        "dev_dependencies": [],
        "optional_dependencies": {},
        "env_groups": {},
        "compose_services": {},
        "compose_volumes": [],
        "app_environment": {},
        "app_volumes": [],
        "test_services": [],
        "scripts": {},
        "app_services": {},
    }
    declared: set[str] = set()
    for manifest in enabled:
        rendered = _render(manifest, answers, environment)
        merged["dependencies"] += rendered.get("dependencies", [])
        merged["dev_dependencies"] += rendered.get("dev_dependencies", [])
        for extra, requirements in rendered.get("optional_dependencies", {}).items():
            merged["optional_dependencies"].setdefault(extra, []).extend(requirements)
        for var in rendered.get("env", []):
            # Features sharing a variable (REDIS_URL) each declare it; the first declaration wins.
            if var["name"] not in declared:
                declared.add(var["name"])
                merged["env_groups"].setdefault(var["group"], []).append(var)
        merged["compose_services"].update(rendered.get("compose_services", {}))
        merged["compose_volumes"] += rendered.get("compose_volumes", [])
        merged["app_environment"].update(rendered.get("app_environment", {}))
        merged["app_volumes"] += rendered.get("app_volumes", [])
        merged["scripts"].update(rendered.get("scripts", {}))
        # More processes of the app's image (a worker): compose runs them like the app, after migrate.
        merged["app_services"].update(rendered.get("app_services", {}))
        merged["test_services"] += [
            item for item in rendered.get("test_services", []) if item not in merged["test_services"]
        ]
    _check_compose_services(merged["compose_services"])
    merged["dependencies"] = sorted(set(merged["dependencies"]), key=str.lower)
    merged["dev_dependencies"] = sorted(set(merged["dev_dependencies"]), key=str.lower)
    merged["optional_dependencies"] = {
        extra: sorted(set(requirements), key=str.lower)
        for extra, requirements in sorted(merged["optional_dependencies"].items())
    }
    return merged


def _check_compose_services(services: dict[str, Any]) -> None:
    # compose.yaml makes the app wait for `service_healthy` on every service; compose refuses that
    # condition on a service without a healthcheck, so catch it when the template renders instead.
    missing = sorted(name for name, body in services.items() if "healthcheck" not in (body or {}))
    if missing:
        raise ValueError(f"compose services need a healthcheck (the app waits for it): {', '.join(missing)}")


@lru_cache(maxsize=512)
def _template(environment: Any, source: str) -> Any:
    # Compiled once per process: `copier update` renders the same manifests for two sets of answers.
    return environment.from_string(source)


def _render(value: Any, answers: dict[str, Any], environment: Any) -> Any:
    if isinstance(value, str) and "{" in value and environment is not None:
        return _template(environment, value).render(**answers)
    if isinstance(value, dict):
        return {key: _render(item, answers, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item, answers, environment) for item in value]
    return value
