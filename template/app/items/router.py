"""HTTP routes of the items API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status

from app.core.access import access, created
from app.core.etags import etag_for, if_none_match_hits
from app.core.problems import Problem, problem_responses
from app.items.dependencies import (
    MAX_ID,
    CursorCodecDep,
    ItemFiltersDep,
    ItemServiceDep,
    OptionalIfMatch,
    PageAfter,
    PagePosition,
    RequiredIfMatch,
)
from app.items.models import Item
from app.items.schemas import ItemCreate, ItemPage, ItemRead, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])

ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the item")]
ETAG_HEADER = {"ETag": {"description": "Current version of the item", "schema": {"type": "string"}}}


def _read(item: Item | ItemRead, response: Response) -> ItemRead:
    response.headers["ETag"] = etag_for(item.version)
    return ItemRead.model_validate(item)


@router.post(
    "",
    dependencies=[Depends(access("items:create"))],
    status_code=status.HTTP_201_CREATED,
    response_model=ItemRead,
    summary="Create an item",
    responses={
        201: {
            "headers": {
                **ETAG_HEADER,
                "Location": {"description": "URL of the new item", "schema": {"type": "string"}},
            }
        },
        **problem_responses(409, 422),
    },
)
async def create_item(
    data: ItemCreate, service: ItemServiceDep, request: Request, response: Response
) -> ItemRead:
    item = await service.create(data)
    await created(request, "items", item.id)
    response.headers["Location"] = str(request.app.url_path_for("get_item", item_id=item.id))
    return _read(item, response)


@router.get(
    "",
    dependencies=[Depends(access("items:read"))],
    response_model=ItemPage,
    summary="List items, oldest first, one page at a time",
    responses={
        400: {"model": Problem, "description": "The cursor is not one this service issued"},
        422: problem_responses(422)[422],
    },
)
async def list_items(
    service: ItemServiceDep,
    codec: CursorCodecDep,
    filters: ItemFiltersDep,
    after_id: PageAfter,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
) -> ItemPage:
    page = await service.read_page(filters, after_id, limit)
    next_cursor = codec.encode(PagePosition(after=page.items[-1].id)) if page.has_more else None
    return ItemPage(items=page.items, next_cursor=next_cursor)


@router.get(
    "/{item_id}",
    dependencies=[Depends(access("items:read"))],
    response_model=ItemRead,
    summary="Read an item",
    responses={
        200: {"headers": ETAG_HEADER},
        304: {"description": "If-None-Match names the current version", "headers": ETAG_HEADER},
        **problem_responses(404, 422),
    },
)
async def get_item(
    item_id: ItemId,
    service: ItemServiceDep,
    response: Response,
    if_none_match: Annotated[
        str | None, Header(description="ETag you hold; 304 if it is still current")
    ] = None,
) -> ItemRead | Response:
    item = await service.read(item_id)
    if if_none_match is not None and if_none_match_hits(if_none_match, item.version):
        return Response(status_code=304, headers={"ETag": etag_for(item.version)})
    return _read(item, response)


@router.patch(
    "/{item_id}",
    dependencies=[Depends(access("items:update"))],
    response_model=ItemRead,
    summary="Change fields of an item (requires If-Match)",
    responses={
        200: {"headers": ETAG_HEADER},
        **problem_responses(404, 409, 412, 422, 428),
    },
)
async def update_item(
    item_id: ItemId,
    data: ItemUpdate,
    expected: RequiredIfMatch,
    service: ItemServiceDep,
    response: Response,
) -> ItemRead:
    item = await service.update(item_id, data, expected)
    return _read(item, response)


@router.delete(
    "/{item_id}",
    dependencies=[Depends(access("items:delete"))],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an item (soft delete; If-Match optional)",
    responses=problem_responses(404, 412, 422),
)
async def delete_item(item_id: ItemId, expected: OptionalIfMatch, service: ItemServiceDep) -> None:
    await service.delete(item_id, expected)
