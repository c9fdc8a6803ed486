"""Client address middleware: the peer, or the client a trusted proxy names, resolved once.

Everything that names the client (the access log, the rate limiter, tracing) reads scope["client"]
after this ran, so they cannot disagree. uvicorn's own proxy-header handling is off
(app.core.server): by default it believed X-Forwarded-For from 127.0.0.1, so any local peer,
a sidecar or a port-forward included, could choose its address and escape every per-client limit.

uvicorn's ProxyHeadersMiddleware (uvicorn >= 0.30 takes networks) walks the hops the same way for
less: benchmarks/proxy_headers.py measured 2.6 CPU us per proxied request with it, 8.2 here. We
keep ours because it took a hop that is not an address for the client: "203.0.113.7, not-an-ip"
from a trusted proxy made the client "not-an-ip" there (what the access log and the rate limiter
would then key on), the proxy's own address here. Only requests from a trusted proxy pay the
5.6 us.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.settings import Network

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDED_FOR = b"x-forwarded-for"
FORWARDED_PROTO = b"x-forwarded-proto"
SCHEMES = frozenset({"http", "https"})


def _address(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _within(address: IpAddress, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


def forwarded_client(
    peer: IpAddress, headers: Iterable[tuple[bytes, bytes]], trusted: Sequence[Network]
) -> IpAddress:
    """The first untrusted hop of X-Forwarded-For, walking right to left from a trusted `peer`.

    Each proxy appends the address it saw, so only the hops our own proxies added can be
    believed; a client may put anything to their left. A malformed hop ends the walk there.
    """
    hops = [
        hop
        for key, value in headers
        if key == FORWARDED_FOR
        for hop in value.decode("latin-1").split(",")
    ]
    address = peer
    for hop in reversed(hops):
        forwarded = _address(hop)
        if forwarded is None:
            break
        address = forwarded
        if not _within(forwarded, trusted):
            break
    return address


def forwarded_scheme(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The scheme the nearest proxy was reached with (X-Forwarded-Proto), if it is http(s)."""
    values = [value for key, value in headers if key == FORWARDED_PROTO]
    if not values:
        return None
    nearest = values[-1].decode("latin-1").rsplit(",", 1)[-1].strip().lower()
    return nearest if nearest in SCHEMES else None


class ClientAddressMiddleware:
    """Installed only when APP_TRUSTED_PROXIES is set: without it the peer is the client."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network]) -> None:
        self.app = app
        self.trusted_proxies = list(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            peer = scope.get("client")
            address = _address(peer[0]) if peer else None
            if address is not None and _within(address, self.trusted_proxies):
                headers = scope["headers"]
                client = forwarded_client(address, headers, self.trusted_proxies)
                if client != address:
                    scope["client"] = (str(client), 0)
                scheme = forwarded_scheme(headers)
                if scheme is not None and scope["type"] == "http":
                    scope["scheme"] = scheme
        await self.app(scope, receive, send)


def trust_proxies(app: FastAPI, networks: Sequence[Network]) -> None:
    """Also believe forwarded headers from `networks`; call before the app serves a request."""
    if not networks:
        return
    trusted: list[Network] | None = getattr(app.state, "trusted_proxies", None)
    if trusted is None:
        # The middleware reads this list when the stack is built, at the first request.
        app.state.trusted_proxies = trusted = []
        # Outermost, so every other layer sees the resolved client.
        app.user_middleware.insert(0, Middleware(ClientAddressMiddleware, trusted_proxies=trusted))
    trusted.extend(networks)
