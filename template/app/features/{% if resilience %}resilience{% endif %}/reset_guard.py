"""Who may close a circuit breaker by hand: the admin role with auth, else RESILIENCE_OPS_TOKEN.

Closing a breaker sends traffic to a dependency again, so it is not for anyone who can reach
the port. With an auth feature the app's access policy decides (app/core/access.py): the
permission table grants `breakers:reset` to the admin role only, so 401 without a token, 403
for other roles, and an audit row. Without one, the reset needs the bearer token
RESILIENCE_OPS_TOKEN, compared in constant time; while it is empty the reset is refused.

A token rather than a command (`python -m ...`): breakers live in each server process's
memory, so a command run beside the server could not reach them.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from fastapi import Request

from app.core.access import OPEN_ACCESS, access_policy
from app.core.errors import ServiceError

RESET_ACTION = "breakers:reset"
OPS_STATE = "resilience_ops_bearer"


class OpsTokenRequired(ServiceError):
    """No RESILIENCE_OPS_TOKEN sent, or a wrong one."""

    status_code: ClassVar[int] = 401

    def __init__(self) -> None:
        super().__init__(
            "Send RESILIENCE_OPS_TOKEN in the Authorization header: Bearer <token>.",
            headers={"WWW-Authenticate": 'Bearer realm="ops"'},
        )


class ResetDisabled(ServiceError):
    """The service has neither authentication nor RESILIENCE_OPS_TOKEN: nobody may reset."""

    status_code: ClassVar[int] = 403

    def __init__(self) -> None:
        super().__init__(
            "Manual breaker resets are off: set RESILIENCE_OPS_TOKEN and send it as "
            "Authorization: Bearer <token>."
        )


async def may_reset_breakers(request: Request) -> None:
    """A dependency of the reset route: raises 401 or 403 unless the caller may reset."""
    policy = access_policy(request)
    if policy is not OPEN_ACCESS:
        await policy.check(request, RESET_ACTION)
        return
    expected: str = getattr(request.app.state, OPS_STATE, "")
    if not expected:
        raise ResetDisabled()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    sent = token.strip().encode()
    if scheme.lower() != "bearer" or not secrets.compare_digest(sent, expected.encode()):
        raise OpsTokenRequired()
