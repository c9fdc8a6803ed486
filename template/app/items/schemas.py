"""Request and response bodies of the items API."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from app.items.models import CENT

MAX_PRICE = Decimal("9999999999.99")
MAX_WHOLE_PRICE = 9_999_999_999
# Up to 10 digits before the point and 2 after: every value the database column holds.
PRICE_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
PRICE_HELP = 'a decimal string with at most 2 decimal places, e.g. "19.99", or a whole number'
# ECMA-262 regex (the OpenAPI dialect) for text without NUL characters.
NO_NUL_PATTERN = "^[^\\u0000]*$"


class DocumentedPattern:
    """Adds `pattern` to a JSON schema for a rule a validator enforces with a clearer message."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


def clean_text(value: str) -> str:
    """Reject NUL characters, which PostgreSQL cannot store in text.

    (Unpaired surrogates, the other text a database refuses, never get this far: pydantic rejects
    them while parsing.)
    """
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def price_input(value: Any) -> Any:
    """Accept exactly what the schema documents: a decimal string or a whole JSON number.

    A JSON number with a fraction is a binary float (0.07 arrives as 0.07000000000000001 once
    multiplied), so cents travel as strings, as every response writes them.
    """
    if isinstance(value, str):
        if re.fullmatch(PRICE_PATTERN, value) is None:
            raise ValueError(f"must be {PRICE_HELP}")
        return value
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"must be {PRICE_HELP}")


def two_places(price: Decimal) -> Decimal:
    """12.5 -> 12.50 and -0 -> 0.00: the response to a write matches what later reads return."""
    return price.quantize(CENT) + 0


Name = Annotated[
    str,
    Field(min_length=1, max_length=200, examples=["Anvil"]),
    AfterValidator(clean_text),
    DocumentedPattern(NO_NUL_PATTERN),
]
SearchText = Annotated[str, AfterValidator(clean_text), DocumentedPattern(NO_NUL_PATTERN)]
Description = Annotated[
    str, Field(max_length=2000), AfterValidator(clean_text), DocumentedPattern(NO_NUL_PATTERN)
]
Price = Annotated[
    Decimal,
    BeforeValidator(price_input),
    Field(ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2),
    AfterValidator(two_places),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": PRICE_PATTERN},
                {"type": "integer", "minimum": 0, "maximum": MAX_WHOLE_PRICE},
            ],
            "examples": ["19.99"],
        },
        mode="validation",
    ),
]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    price: Price


NOT_NULLABLE_UPDATES = ("name", "price")


def _document_update(schema: dict[str, Any]) -> None:
    # As validation reads it: at least one field, no defaults (an omitted field keeps its
    # value) and name and price never null, which the schema would otherwise allow.
    schema["minProperties"] = 1
    for name, field in schema.get("properties", {}).items():
        field.pop("default", None)
        branches = field.get("anyOf")
        if name in NOT_NULLABLE_UPDATES and isinstance(branches, list):
            (kept,) = [branch for branch in branches if branch != {"type": "null"}]
            del field["anyOf"]
            field.update(kept)


class ItemUpdate(BaseModel):
    """Fields to change; omitted fields keep their value (description may be set to null)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_update)

    name: Name | None = Field(default=None, description="Omit to keep; null is refused")
    description: Description | None = None
    price: Price | None = Field(default=None, description="Omit to keep; null is refused")

    @model_validator(mode="after")
    def _check_fields(self) -> ItemUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        for required in NOT_NULLABLE_UPDATES:
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be null")
        return self


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: Decimal
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Changes on every update; sent as the ETag")


class ItemSlice(BaseModel):
    """Items of one page and whether more follow: what a page read returns (and a cache stores)."""

    items: list[ItemRead]
    has_more: bool


class ItemPage(BaseModel):
    items: list[ItemRead]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end"
    )
