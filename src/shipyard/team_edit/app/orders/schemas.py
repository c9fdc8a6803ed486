"""Request and response bodies of the orders API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# Ids are BIGINT on every backend.
MAX_ID = 2**63 - 1
# In a JSON body an id stays below 2**53: every client's number type holds it exactly.
MAX_BODY_ID = 2**53 - 1
# Team rule: one order never asks for more than a pallet.
MAX_QUANTITY = 500
# The shape of an address, stated in the OpenAPI document. Not EmailStr: email-validator refuses
# addresses the schema's `format: email` allows (reserved domains such as .test), which a
# schema-driven client would rightly report as valid requests refused. No `\s` either: Python's
# and the regex crate's match more characters (U+0085) than JSON Schema's does. No NUL: PostgreSQL
# cannot store it in text, so a schema-valid address holding one would be a 500.
EMAIL_PATTERN = r"^[^@ \x00]+@[^@ \x00]+$"


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: int = Field(ge=1, le=MAX_BODY_ID, description="Id of the ordered item")
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    customer_email: str = Field(max_length=320, pattern=EMAIL_PATTERN)


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    quantity: int
    customer_email: str
    created_at: datetime
