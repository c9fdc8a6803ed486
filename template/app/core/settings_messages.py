"""Words a rejected setting as one line: the variable, what is wrong with its value, what to set."""

from __future__ import annotations

import json
import re
import types
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import SecretBytes, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError

from app.core.settings import ServiceSettings

MAX_SHOWN_CHARACTERS = 60
# A password inside a URL ("scheme://user:password@host") is never echoed back.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*):[^@/\s]*@")
_SETTINGS_ERROR_FIELD = re.compile(r'field "([^"]+)"')
# Clearer than pydantic's wording for the errors an environment variable usually has.
_PROBLEMS = {
    "bool_parsing": "not true or false",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "float_parsing": "not a number",
    "json_invalid": "not valid JSON",
    "missing": "is not set",
    "string_too_short": "must not be empty",
}
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def one_line(text: object) -> str:
    """Any message (or exception) on a single line, so each problem is exactly one line."""
    if isinstance(text, BaseException):
        text = f"{type(text).__name__}: {text}"
    return " ".join(str(text).split())


def describe_validation_error(
    cls: type[ServiceSettings], error: ValidationError
) -> list[tuple[str, str]]:
    """(variable, line) for each rejected value; the line starts with the variable's name."""
    described = []
    for detail in error.errors(include_url=False):
        field_name = _field_name(cls, detail["loc"][0] if detail["loc"] else "")
        if field_name is None:
            variable, field = str(detail["loc"][0] if detail["loc"] else cls.__name__).upper(), None
        else:
            variable, field = cls.env_var_name(field_name), cls.model_fields[field_name]
        line = f"{variable}{_shown_value(detail, field)}: {_problem(detail)}"
        if detail["loc"][1:]:
            line += f" (at {'.'.join(str(part) for part in detail['loc'][1:])})"
        advice = _advice(variable, field) if field is not None else ""
        described.append((variable, f"{line}{'; ' + advice if advice else ''}"))
    return described


def describe_settings_error(cls: type[ServiceSettings], error: SettingsError) -> tuple[str, str]:
    """(variable, line) for a value pydantic-settings could not even decode (e.g. bad JSON)."""
    match = _SETTINGS_ERROR_FIELD.search(str(error))
    field_name = _field_name(cls, match.group(1)) if match else None
    if field_name is None:
        return cls.__name__, f"{cls.__name__}: {one_line(error)}"
    variable = cls.env_var_name(field_name)
    advice = _advice(variable, cls.model_fields[field_name])
    return (
        variable,
        f"{variable}: cannot be decoded ({one_line(error.__cause__ or error)}); {advice}",
    )


def _field_name(cls: type[ServiceSettings], location: object) -> str | None:
    if location in cls.model_fields:
        return str(location)
    wanted = str(location).upper()
    for name in cls.model_fields:
        if cls.env_var_name(name) == wanted:
            return name
    return None


def _is_secret(field: FieldInfo | None) -> bool:
    if field is None:
        return False
    extra = field.json_schema_extra
    return field.annotation in (SecretStr, SecretBytes) or (
        isinstance(extra, dict) and bool(extra.get("sensitive"))
    )


def _shown_value(detail: ErrorDetails, field: FieldInfo | None) -> str:
    """'=<value>' as read (shortened, passwords masked), or nothing for a secret or missing one."""
    if detail["type"] == "missing" or len(detail["loc"]) > 1:
        return ""
    if _is_secret(field):
        return " (value hidden)"
    value = detail["input"]
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = _URL_PASSWORD.sub(r"\1:***@", text)
    if len(text) > MAX_SHOWN_CHARACTERS:
        text = text[: MAX_SHOWN_CHARACTERS - 3] + "..."
    return f"={text!r}" if text != text.strip() or not text or " " in text else f"={text}"


def _problem(detail: ErrorDetails) -> str:
    if detail["type"] in _PROBLEMS:
        return _PROBLEMS[detail["type"]]
    message = detail["msg"]
    for prefix in _PYDANTIC_PREFIXES:
        message = message.removeprefix(prefix)
    message = re.sub(r"^Input should be ", "must be ", message)
    return one_line(message)


def _advice(variable: str, field: FieldInfo) -> str:
    """ "set <expected>, e.g. VAR=<example>": the field's type, bounds and example or default."""
    expected = _expected(field)
    example, is_default = _example(field)
    advice = f"set {expected}" if expected else ""
    if example is not None:
        sample = f"{variable}={example}{' (the default)' if is_default else ''}"
        advice = f"{advice}, e.g. {sample}" if advice else f"set e.g. {sample}"
    return advice


def _base_type(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        options = [option for option in get_args(annotation) if option is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation


def _expected(field: FieldInfo) -> str:
    annotation = _base_type(field.annotation)
    if get_origin(annotation) is Literal:
        return ""  # pydantic's message already lists the choices
    kinds = {bool: "true or false", int: "a whole number", float: "a number", dict: "a JSON object"}
    kind = kinds.get(get_origin(annotation) or annotation, "")
    bounds = _bounds(field)
    if bounds:
        return f"{kind or 'a value'} {bounds}"
    if any(
        isinstance(rule, annotated_types.MinLen) and rule.min_length > 0 for rule in field.metadata
    ):
        return "a non-empty value"
    return kind


def _bounds(field: FieldInfo) -> str:
    limits: dict[str, Any] = {}
    for rule in field.metadata:
        for name in ("gt", "ge", "lt", "le"):
            if getattr(rule, name, None) is not None:
                limits[name] = getattr(rule, name)
    if "ge" in limits and "le" in limits:
        return f"from {limits['ge']} to {limits['le']}"
    words = {
        "gt": "greater than {}",
        "ge": "of {} or more",
        "lt": "less than {}",
        "le": "of at most {}",
    }
    return " and ".join(words[name].format(value) for name, value in limits.items())


def _example(field: FieldInfo) -> tuple[str | None, bool]:
    """A value to suggest, and whether it is the default (so unsetting the variable gives it)."""
    if field.examples:
        return _as_env_value(field.examples[0]), False
    if _is_secret(field):
        return None, False
    default = field.get_default(call_default_factory=True)
    if default is None or default in ("", {}, []):
        return None, False
    return _as_env_value(default), True


def _as_env_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
