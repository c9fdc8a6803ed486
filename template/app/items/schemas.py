"""Request and response bodies of the items API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.items.models import CENT

MAX_PRICE = Decimal("9999999999.99")


def clean_text(value: str) -> str:
    """Reject NUL characters, which PostgreSQL cannot store in text.

    (Unpaired surrogates, the other text a database refuses, never get this far: pydantic rejects
    them while parsing.)
    """
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def two_places(price: Decimal) -> Decimal:
    """12.5 -> 12.50 and -0 -> 0.00: the response to a write matches what later reads return."""
    return price.quantize(CENT) + 0


Name = Annotated[
    str, Field(min_length=1, max_length=200, examples=["Anvil"]), AfterValidator(clean_text)
]
SearchText = Annotated[str, AfterValidator(clean_text)]
Description = Annotated[str, Field(max_length=2000), AfterValidator(clean_text)]
Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2, examples=["19.99"]),
    AfterValidator(two_places),
]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    price: Price


class ItemUpdate(BaseModel):
    """Fields to change; omitted fields keep their value (description may be set to null)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(default=None, description="Omit to keep; null is refused")
    description: Description | None = None
    price: Price | None = Field(default=None, description="Omit to keep; null is refused")

    @model_validator(mode="after")
    def _check_fields(self) -> ItemUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        for required in ("name", "price"):
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
