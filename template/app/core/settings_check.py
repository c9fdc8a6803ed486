"""The startup configuration check: every settings class, core and features, validated at once."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_settings import SettingsError

from app.core.features import FEATURES_PACKAGE, feature_package_names
from app.core.settings import ConfigurationError, ServiceSettings, Settings
from app.core.settings_messages import describe_settings_error, describe_validation_error, one_line

EXIT_CODE = 2  # what `python -m app` exits with when the configuration is refused
MIN_QUOTED_VALUE = 4
PROCESS_VARIABLES = frozenset({"HOME", "PWD", "OLDPWD", "PATH", "TMPDIR", "USER", "SHELL"})


@dataclass(frozen=True)
class ConfigurationReport:
    """A configuration that passed every check, and what was checked."""

    settings: Settings
    features: list[str]
    classes: list[type[ServiceSettings]]

    @property
    def variables(self) -> list[str]:
        return sorted({name for cls in self.classes for name in cls.env_var_names()})

    def summary(self) -> str:
        features = ", ".join(self.features) or "none"
        return (
            f"configuration OK: {len(self.variables)} variables checked "
            f"(core and features: {features}; APP_ENV={self.settings.app.env})"
        )


def import_features(package: str = FEATURES_PACKAGE) -> tuple[list[str], list[str]]:
    """Import every feature package and all of its modules, so all their settings classes exist.

    A feature may import a module (and its settings class) only when it installs, so each module
    is imported here. Returns the feature names and one line per module that fails to import.
    """
    names: list[str] = []
    problems: dict[str, str] = {}
    for name in feature_package_names(package):
        names.append(name.rpartition(".")[2])
        try:
            feature = importlib.import_module(name)
            for module in pkgutil.walk_packages(feature.__path__, prefix=f"{name}."):
                importlib.import_module(module.name)
        except Exception as error:  # reported as one line; the other features are still checked
            variable = _variable_in(one_line(error))
            problems.setdefault(
                variable or name,
                f"{variable}={os.environ[variable]}: {name} fails to load with it "
                f"({one_line(error)}); check this variable"
                if variable
                else f"{name} cannot be loaded ({one_line(error)}); check its settings",
            )
    return names, list(problems.values())


def _variable_in(message: str) -> str | None:
    """The environment variable whose value the error quotes, if any (the longest such value).

    A library may read its own variable while a feature module is imported, before any settings
    class exists to check it (prometheus_client's PROMETHEUS_MULTIPROC_DIR does).
    """
    quoted = [
        (len(value), name)
        for name, value in os.environ.items()
        if len(value) >= MIN_QUOTED_VALUE and value in message and name not in PROCESS_VARIABLES
    ]
    return max(quoted)[1] if quoted else None


def settings_classes() -> list[type[ServiceSettings]]:
    """The core sections first, then every other ServiceSettings subclass defined under app/."""
    root = ServiceSettings.__module__.partition(".")[0]
    found: list[type[ServiceSettings]] = list(Settings.sections.values())
    pending = list(ServiceSettings.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending += cls.__subclasses__()
        # Tests may subclass settings for their own purposes; only the service's classes count.
        if cls.__module__.partition(".")[0] == root and cls not in found:
            found.append(cls)
    return found


def _validate(
    classes: Iterable[type[ServiceSettings]], env_file: str | None
) -> tuple[dict[type[ServiceSettings], ServiceSettings], dict[str, str]]:
    loaded: dict[type[ServiceSettings], ServiceSettings] = {}
    problems: dict[str, str] = {}  # by variable: one line each, even if two classes read it
    for cls in classes:
        try:
            loaded[cls] = cls(_env_file=env_file)
        except ValidationError as error:
            for variable, line in describe_validation_error(cls, error):
                problems.setdefault(variable, line)
        except SettingsError as error:
            variable, line = describe_settings_error(cls, error)
            problems.setdefault(variable, line)
    return loaded, problems


def check_configuration(
    env_file: str | None = ".env", *, with_core_checks: bool = True
) -> ConfigurationReport:
    """Validate every setting of the service; ConfigurationError lists every problem at once.

    `with_core_checks=False` leaves out each class's check_with_core (rules about how the service
    is run, e.g. several workers); the feature applies them again when it installs.
    """
    features, problems = import_features()
    classes = settings_classes()
    loaded, invalid = _validate(classes, env_file)
    problems += invalid.values()
    sections = {name: loaded.get(cls) for name, cls in Settings.sections.items()}
    settings = None
    if all(section is not None for section in sections.values()):
        settings = Settings(**sections)  # type: ignore[arg-type]
        # Checks that compare settings need the core ones; without them they would only guess.
        for instance in loaded.values() if with_core_checks else ():
            problems += instance.check_with_core(settings)
        if settings.is_production:
            problems += settings.production_problems()
    if problems or settings is None:
        raise ConfigurationError(*problems)
    return ConfigurationReport(settings, features, classes)


def check_or_exit(env_file: str | None = ".env") -> ConfigurationReport:
    """check_configuration(), or exit 2 with one line per problem on stderr (no traceback)."""
    try:
        return check_configuration(env_file)
    except ConfigurationError as error:
        sys.stderr.write("".join(f"{one_line(problem)}\n" for problem in error.problems))
        sys.stderr.flush()
        raise SystemExit(EXIT_CODE) from None
