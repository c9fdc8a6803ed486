"""Every environment variable the settings classes read is documented, and nothing else is.

.env.example and docs/configuration.md are generated from the template's feature manifests, while
the settings classes live in code; this test is what keeps the two from drifting apart after a field
is added, renamed or removed.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import AliasChoices, AliasPath
from pydantic.fields import FieldInfo

import app
import app.main
from app.core.settings import ServiceSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = REPO_ROOT / ".env.example"
CONFIGURATION_DOC = REPO_ROOT / "docs" / "configuration.md"

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _import_all_app_modules() -> None:
    # A settings class exists only once its module is imported; importing every module under app/
    # finds the ones create_app() would not import in this process (e.g. a feature's lazy module).
    for module in pkgutil.walk_packages(app.__path__, prefix=f"{app.__name__}."):
        # __main__ starts the server when run; it declares no settings.
        if module.name.rsplit(".", 1)[-1] != "__main__":
            importlib.import_module(module.name)


def _settings_classes(base: type[ServiceSettings]) -> Iterator[type[ServiceSettings]]:
    for subclass in base.__subclasses__():
        # Test modules may subclass settings for their own purposes; only the service's count.
        if subclass.__module__.split(".", 1)[0] == app.__name__:
            yield subclass
        yield from _settings_classes(subclass)


def _env_name(settings_class: type[ServiceSettings], field_name: str, field: FieldInfo) -> str:
    """The variable pydantic-settings reads for a field: its alias if any, else prefix + name."""
    alias = field.validation_alias if field.validation_alias is not None else field.alias
    if isinstance(alias, AliasChoices):
        # The first choice is the documented name; later ones are accepted for compatibility.
        alias = alias.choices[0]
    if isinstance(alias, AliasPath):
        alias = str(alias.path[0])
    if isinstance(alias, str):
        return alias.upper()
    prefix = str(settings_class.model_config.get("env_prefix") or "")
    return f"{prefix}{field_name}".upper()


def settings_env_names() -> dict[str, str]:
    """Every variable read by a settings class in app/, mapped to the class that reads it."""
    _import_all_app_modules()
    names: dict[str, str] = {}
    for settings_class in _settings_classes(ServiceSettings):
        for field_name, field in settings_class.model_fields.items():
            names[_env_name(settings_class, field_name, field)] = (
                f"{settings_class.__module__}.{settings_class.__qualname__}.{field_name}"
            )
    return names


def env_example_names() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line)
        if match:
            names.add(match.group(1))
    return names


def _listing(names: set[str], owners: dict[str, str] | None = None) -> str:
    if owners is None:
        return ", ".join(sorted(names))
    return ", ".join(f"{name} ({owners[name]})" for name in sorted(names))


def test_settings_classes_are_found() -> None:
    # Guards the test below against passing vacuously if discovery ever finds nothing.
    assert settings_env_names(), "no ServiceSettings subclasses found under app/"


def test_env_example_lists_exactly_the_settings() -> None:
    in_code = settings_env_names()
    in_example = env_example_names()

    undocumented = set(in_code) - in_example
    stale = in_example - set(in_code)
    # One assertion for both directions, so a rename shows its old and new name in one message.
    assert undocumented | stale == set(), (
        f"{ENV_EXAMPLE.name} is out of step with the settings classes.\n"
        f"  read by settings but missing from {ENV_EXAMPLE.name}: "
        f"{_listing(undocumented, in_code) or '-'}\n"
        f"  in {ENV_EXAMPLE.name} but read by no settings class: {_listing(stale) or '-'}\n"
        "Add the variable with a description and a safe example (or remove it), and keep "
        "docs/configuration.md in step."
    )


def test_configuration_doc_mentions_every_setting() -> None:
    in_code = settings_env_names()
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")

    missing = {name for name in in_code if not re.search(rf"\b{re.escape(name)}\b", text)}
    assert not missing, (
        f"docs/configuration.md does not mention: {_listing(missing, in_code)}\n"
        "Add a row for each to the table of its group."
    )
