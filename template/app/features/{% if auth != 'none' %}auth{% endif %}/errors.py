"""The two refusals, as problem+json: 401 (who are you?) with WWW-Authenticate, 403 (no)."""

from __future__ import annotations

from typing import ClassVar

from app.core.errors import ServiceError

REALM = "api"


class NotAuthenticated(ServiceError):
    """No credential, or one that was refused: the client must (re)authenticate."""

    status_code: ClassVar[int] = 401

    def __init__(self, reason: str | None = None) -> None:
        # RFC 6750 section 3: no error code when no credential was sent; invalid_token otherwise.
        challenge = f'Bearer realm="{REALM}"'
        if reason is not None:
            challenge += ', error="invalid_token"'
        super().__init__(
            "Send a valid bearer token in the Authorization header.",
            headers={"WWW-Authenticate": challenge},
            log_reason=None if reason is None else f"credential rejected: {reason}",
        )


class Forbidden(ServiceError):
    """Authenticated, but the permission table does not allow this to the caller."""

    status_code: ClassVar[int] = 403

    def __init__(self, detail: str = "Your role does not allow this.") -> None:
        super().__init__(detail)
