"""Admin endpoints for API keys: create (the key is shown once), list, revoke, rotate."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, ConfigDict, Field

from app.core.problems import problem_responses
from app.features.auth.api_key_models import ApiKey
from app.features.auth.api_keys import ApiKeyStore
from app.features.auth.audit import audit
from app.features.auth.dependencies import Grant, require
from app.features.auth.permissions import ROLES, Permission, RoleName

STORE_STATE = "api_key_store"
# API keys are identities, so managing them takes the permission that manages users (admins).
MANAGE = Permission.USERS_MANAGE

router = APIRouter(
    prefix="/auth/api-keys",
    tags=["auth"],
    responses=problem_responses(401, 403),
)
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="The key's public id")]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="The calling service, e.g. billing-worker; the key acts as it")
    # The role names as an enum, so the OpenAPI document lists what validation accepts.
    roles: list[RoleName] = Field(min_length=1, max_length=len(ROLES))
    ttl_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Lifetime; AUTH_API_KEYS_DEFAULT_TTL_DAYS if omitted",
    )


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key_id: str
    name: str
    subject: str
    roles: list[str]
    created_by: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    rotated_from: str | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyRead:
        return cls.model_validate({**_columns(key), "roles": sorted(key.role_set)})


class ApiKeyIssued(ApiKeyRead):
    key: str = Field(description="The whole API key. Shown only now: store it in a secret manager")


def _columns(key: ApiKey) -> dict[str, object]:
    return {column.key: getattr(key, column.key) for column in ApiKey.__table__.columns}


def store_of(request: Request) -> ApiKeyStore:
    store = getattr(request.app.state, STORE_STATE)
    assert isinstance(store, ApiKeyStore)  # noqa: S101 - set by api_keys_provider
    return store


Store = Annotated[ApiKeyStore, Depends(store_of)]
Admin = Annotated[Grant, Depends(require(MANAGE))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyIssued)
async def create_api_key(
    body: ApiKeyCreate, request: Request, store: Store, grant: Admin
) -> ApiKeyIssued:
    issued = await store.create(
        name=body.name,
        subject=f"service:{body.name}",
        roles=frozenset(body.roles),
        ttl_days=body.ttl_days,
        created_by=grant.principal.subject,
    )
    await audit(request, "api_key:created", "ok", resource=f"api_keys/{issued.record.key_id}")
    return ApiKeyIssued(**ApiKeyRead.of(issued.record).model_dump(), key=issued.secret_key)


@router.get("", response_model=list[ApiKeyRead])
async def list_api_keys(store: Store, _grant: Admin) -> list[ApiKeyRead]:
    return [ApiKeyRead.of(key) for key in await store.all_keys()]


@router.post("/{key_id}/revoke", response_model=ApiKeyRead, responses=problem_responses(404))
async def revoke_api_key(
    key_id: KeyId, request: Request, store: Store, _grant: Admin
) -> ApiKeyRead:
    key = await store.revoke(key_id)
    await audit(request, "api_key:revoked", "ok", resource=f"api_keys/{key_id}")
    return ApiKeyRead.of(key)


@router.post(
    "/{key_id}/rotate",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyIssued,
    responses=problem_responses(404, 409),
)
async def rotate_api_key(
    key_id: KeyId, request: Request, store: Store, grant: Admin
) -> ApiKeyIssued:
    issued, _old = await store.rotate(key_id, created_by=grant.principal.subject)
    await audit(
        request, "api_key:rotated", "ok", resource=f"api_keys/{key_id}->{issued.record.key_id}"
    )
    return ApiKeyIssued(**ApiKeyRead.of(issued.record).model_dump(), key=issued.secret_key)
