"""Who a request counts against: the authenticated user if any, else the client IP.

The client IP is scope["client"] as app.core.middleware.client_address left it: the peer, or the
client a proxy in APP_TRUSTED_PROXIES named. Resolving it there, once, keeps the limiter, the
access log and the server agreeing on who the client is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

from app.core.settings import Network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(scope: Scope) -> IpAddress | None:
    """The client's address, or None when the server gave none (a Unix socket, a test client)."""
    peer = scope.get("client")
    if not peer:
        return None
    try:
        return ipaddress.ip_address(peer[0])
    except ValueError:
        return None


def user_identity(scope: Scope) -> str | None:
    """The authenticated user set by an authentication middleware (scope["user"] or state.user)."""
    user = scope.get("user") or (scope.get("state") or {}).get("user")
    if user is None or getattr(user, "is_authenticated", True) is False:
        return None
    if isinstance(user, str):
        return user
    identity = getattr(user, "identity", None) or getattr(user, "id", None)
    return None if identity is None else str(identity)


def is_allowlisted(address: IpAddress | None, allowlist: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in allowlist)
