"""Who a request counts against: the authenticated user if any, else the client IP (proxy-aware)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

from app.features.rate_limit.settings import Network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDED_FOR = b"x-forwarded-for"


def _address(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _within(address: IpAddress, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(scope: Scope, trusted_proxies: Sequence[Network]) -> IpAddress | None:
    """The peer address, or the first untrusted hop of X-Forwarded-For when the peer is a trusted
    proxy (walking right to left, so a client cannot spoof its way past the proxies)."""
    peer = scope.get("client")
    address = _address(peer[0]) if peer else None
    if address is None or not _within(address, trusted_proxies):
        return address
    hops = [
        hop
        for key, value in scope["headers"]
        if key == FORWARDED_FOR
        for hop in value.decode("latin-1").split(",")
    ]
    for hop in reversed(hops):
        forwarded = _address(hop)
        if forwarded is None:
            break  # a malformed hop: trust nothing further left
        address = forwarded
        if not _within(forwarded, trusted_proxies):
            break
    return address


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
    return address is not None and _within(address, allowlist)
