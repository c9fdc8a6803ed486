"""Every environment variable the settings classes read is documented, and nothing else is.

.env.example and docs/configuration.md are generated from the template's feature manifests, while
the settings classes live in code; this test is what keeps the two from drifting apart after a field
is added, renamed or removed.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import AliasChoices, AliasPath, SecretStr
from pydantic.fields import FieldInfo

import app
import app.main
from app.core.settings import ServiceSettings, Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = REPO_ROOT / ".env.example"
CONFIGURATION_DOC = REPO_ROOT / "docs" / "configuration.md"

# `NAME=value` sets the default; `# NAME=value` is an example left commented out.
_ASSIGNMENT = re.compile(r"^(#\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)=")
_STATUS = re.compile(r"^# (required|optional)\b.*$")
_DEFAULT = re.compile(r"\(default: (.*)\)$")


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


def settings_fields() -> dict[str, tuple[type[ServiceSettings], str, FieldInfo]]:
    """Every variable read by a settings class in app/: its class, field name and field."""
    _import_all_app_modules()
    fields: dict[str, tuple[type[ServiceSettings], str, FieldInfo]] = {}
    for settings_class in _settings_classes(ServiceSettings):
        for field_name, field in settings_class.model_fields.items():
            name = _env_name(settings_class, field_name, field)
            fields[name] = (settings_class, field_name, field)
    return fields


def settings_env_names() -> dict[str, str]:
    """Every variable read by a settings class in app/, mapped to the class that reads it."""
    return {
        name: f"{settings_class.__module__}.{settings_class.__qualname__}.{field_name}"
        for name, (settings_class, field_name, _field) in settings_fields().items()
    }


def env_example_entries() -> dict[str, tuple[str, bool]]:
    """Each variable of .env.example: the status line above it, and whether its line is active."""
    entries: dict[str, tuple[str, bool]] = {}
    status = ""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if _STATUS.match(line):
            status = line.removeprefix("# ")
        match = _ASSIGNMENT.match(line)
        if match:
            entries[match.group(2)] = (status, match.group(1) is None)
            status = ""
    return entries


def env_example_names() -> set[str]:
    return set(env_example_entries())


def documented_default(field: FieldInfo) -> str:
    """A field's default as .env.example writes it."""
    value = field.get_default(call_default_factory=True)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def required_in_production() -> set[str]:
    """The variables whose defaults APP_ENV=production refuses."""
    problems = Settings.load(env_file=None).production_problems()
    return {problem.split()[0] for problem in problems}


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


def test_env_example_states_each_variable_required_or_optional_as_the_code_does() -> None:
    entries = env_example_entries()
    production = required_in_production()
    wrong = []
    for name, (_class, _field_name, field) in sorted(settings_fields().items()):
        status, _active = entries.get(name, ("", False))
        if field.is_required():
            expected = "required"
        else:
            default = documented_default(field)
            expected = (
                f"required in production; optional otherwise (default: {default})"
                if name in production
                else f"optional (default: {default})"
            )
        # A condition other than production ("required when ...") is the manifest's to state;
        # what the code can check is the default beside it.
        conditional = status.startswith("required when ") and name not in production
        if conditional:
            found = _DEFAULT.search(status)
            expected_default = _DEFAULT.search(expected)
            if found is None or expected_default is None or found[1] != expected_default[1]:
                wrong.append(f"{name}: says {status!r}, the code's default is {expected!r}")
        elif status != expected:
            wrong.append(f"{name}: says {status!r}, the code says {expected!r}")
    assert not wrong, (
        f"{ENV_EXAMPLE.name} misstates whether variables are required:\n  "
        + "\n  ".join(wrong)
        + "\nFix `required` and `default` of each in the template's feature manifest."
    )


def test_a_copy_of_env_example_runs_locally_on_the_defaults() -> None:
    # `cp .env.example .env` must give the service it describes: the defaults, which run locally.
    changed = []
    for settings_class in {settings_class for settings_class, _, _ in settings_fields().values()}:
        copied = settings_class(_env_file=ENV_EXAMPLE).model_dump()
        default = settings_class(_env_file=None).model_dump()
        changed += [
            f"{settings_class.__qualname__}.{key}: {copied[key]!r} instead of {default[key]!r}"
            for key in default
            if copied[key] != default[key]
        ]
    assert not changed, (
        f"active lines of {ENV_EXAMPLE.name} change defaults (comment them out as examples):\n  "
        + "\n  ".join(sorted(changed))
    )
    Settings.load(env_file=str(ENV_EXAMPLE))
