"""FastAPI dependencies of the items API: its service, cursor codec, filters and preconditions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.core.cursor import CursorCodec
from app.core.errors import ServiceError
from app.core.etags import if_match_versions
from app.core.read_cache import get_read_cache
from app.items.schemas import Price, SearchText
from app.items.service import ExpectedVersions, ItemFilters, ItemService

# Ids are BIGINT on every backend; PostgreSQL refuses a larger parameter with an error (a 500).
MAX_ID = 2**63 - 1
IF_MATCH_HELP = 'The ETag from your last read of the item, e.g. "3" (or * for any version)'


class PreconditionRequired(ServiceError):
    status_code = 428

    def __init__(self) -> None:
        super().__init__("Send If-Match with the item's ETag so concurrent changes are not lost.")


# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def` dependency
# in a worker thread, a hop that cost about 0.2 ms of CPU per request (benchmarks/throughput.py
# of the shipyard template repository, which renders and loads whole services).


async def get_item_service(request: Request) -> ItemService:
    return ItemService(request.app.state.database, get_read_cache(request))


async def get_cursor_codec(request: Request) -> CursorCodec:
    return CursorCodec(request.app.state.settings.app.secret_key.get_secret_value())


# Two base64url parts, the position and its signature (app/core/cursor.py).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"


class PagePosition(BaseModel):
    """What a page cursor holds: the id of the last item of the previous page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after: int = Field(ge=1, le=MAX_ID)


async def page_after(
    codec: CursorCodecDep,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            # Documented, not enforced here: every bad cursor gets the codec's one 400 answer.
            # Of this shape, too, only a cursor this service signed is accepted.
            json_schema_extra={"pattern": CURSOR_PATTERN},
            description="next_cursor of the previous page, as the service returned it",
        ),
    ] = None,
) -> int | None:
    """The id the page starts after; InvalidCursor (400) for a cursor this service did not issue."""
    return None if cursor is None else codec.decode(cursor, PagePosition).after


async def get_item_filters(
    name_contains: Annotated[
        SearchText | None, Query(max_length=200, description="Case-insensitive part of the name")
    ] = None,
    # Price: the body's type, so both read and document prices the same way.
    min_price: Annotated[
        Price | None, Query(description="Lowest price; not above max_price")
    ] = None,
    max_price: Annotated[Price | None, Query(description="Highest price")] = None,
) -> ItemFilters:
    return ItemFilters(
        name_contains=name_contains,
        min_price=min_price,
        max_price=max_price,
    )


async def required_if_match(
    if_match: Annotated[str | None, Header(description=f"Required. {IF_MATCH_HELP}")] = None,
) -> ExpectedVersions:
    # Declared optional so a missing header is answered 428 (Precondition Required), not 422.
    if if_match is None:
        raise PreconditionRequired()
    return if_match_versions(if_match)


async def optional_if_match(
    if_match: Annotated[str | None, Header(description=f"Optional. {IF_MATCH_HELP}")] = None,
) -> ExpectedVersions:
    return None if if_match is None else if_match_versions(if_match)


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]
CursorCodecDep = Annotated[CursorCodec, Depends(get_cursor_codec)]
ItemFiltersDep = Annotated[ItemFilters, Depends(get_item_filters)]
RequiredIfMatch = Annotated[ExpectedVersions, Depends(required_if_match)]
OptionalIfMatch = Annotated[ExpectedVersions, Depends(optional_if_match)]
PageAfter = Annotated[int | None, Depends(page_after)]
