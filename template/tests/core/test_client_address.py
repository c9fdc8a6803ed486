"""Who the client is: the peer, unless a proxy in APP_TRUSTED_PROXIES names it; one answer."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.core.middleware.client_address import forwarded_client, forwarded_scheme
from app.core.server import server_options
from app.core.settings import ConfigurationError, parse_networks
from tests.conftest import MakeClient, MakeSettings, environment_for_tests
from tests.support.credentials import server_headers
from tests.support.live_server import LiveServer, live_servers

Events = Callable[[], list[dict[str, Any]]]
FORWARDED = "203.0.113.7"


def headers(*values: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-forwarded-for", value.encode()) for value in values]


def test_forwarded_hops_are_walked_right_to_left_through_trusted_proxies() -> None:
    trusted = parse_networks("10.0.0.0/8")
    peer = ipaddress.ip_address("10.0.0.2")

    def client(*values: str) -> str:
        return str(forwarded_client(peer, headers(*values), trusted))

    assert client("1.1.1.1, 2.2.2.2, 10.0.0.9") == "2.2.2.2"
    assert client("1.1.1.1, 2.2.2.2", "10.0.0.9") == "2.2.2.2"  # repeated headers join
    assert client("10.0.0.3") == "10.0.0.3"
    assert client("junk, 2.2.2.2") == "2.2.2.2"
    assert client("2.2.2.2, junk") == "10.0.0.2"  # a malformed hop ends the walk
    assert client("2.2.2.2, " + "9" * 10_000) == "10.0.0.2"
    assert client() == "10.0.0.2"


def test_only_http_or_https_from_the_nearest_proxy_sets_the_scheme() -> None:
    def scheme(*values: str) -> str | None:
        return forwarded_scheme([(b"x-forwarded-proto", value.encode()) for value in values])

    assert scheme("https") == "https"
    assert scheme("http, HTTPS") == "https"
    assert scheme("javascript") is None
    assert scheme() is None


def test_trusted_proxies_must_be_addresses_or_networks(make_settings: MakeSettings) -> None:
    with pytest.raises(ConfigurationError, match="APP_TRUSTED_PROXIES") as refused:
        make_settings(APP_TRUSTED_PROXIES="10.0.0.0/8, proxy.internal")
    assert "'proxy.internal' is not an IP address or CIDR network" in str(refused.value)


def test_uvicorn_does_not_rewrite_the_client_itself(make_settings: MakeSettings) -> None:
    # Its default believed X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS), whatever we set.
    assert server_options(make_settings(APP_TRUSTED_PROXIES="10.0.0.0/8"))["proxy_headers"] is False


async def test_the_access_log_names_the_forwarded_client_of_a_trusted_proxy(
    make_client: MakeClient, log_events: Events
) -> None:
    # The in-process client's peer address is 127.0.0.1. (Settings stay set for the whole test,
    # so the untrusting app comes first.)
    async with make_client() as client:
        await client.get("/items", headers={"X-Forwarded-For": FORWARDED})
    async with make_client(APP_TRUSTED_PROXIES="127.0.0.0/8") as client:
        await client.get("/items", headers={"X-Forwarded-For": f"{FORWARDED}, 127.0.0.5"})
    clients = [event["client"] for event in log_events() if event.get("event") == "request"]
    assert clients == ["127.0.0.1", FORWARDED]


@pytest.fixture(scope="module")
def servers(database_url: str) -> Iterator[list[LiveServer]]:
    # The suite's own settings (limits out of the way, the test provider or keys of auth).
    suite = environment_for_tests(database_url)
    with live_servers(
        database_url, suite, {**suite, "APP_TRUSTED_PROXIES": "127.0.0.1"}
    ) as started:
        yield started


def logged_clients(server: LiveServer, path: str) -> list[str]:
    def answered(event: dict[str, Any]) -> bool:
        return event.get("event") == "request" and event.get("path") == path

    return [event["client"] for event in server.wait_for_events(answered, count=1)]


@pytest.mark.fault
def test_a_local_peer_cannot_pick_its_address_on_the_real_server(
    servers: list[LiveServer],
) -> None:
    untrusting, trusting = servers
    for server in servers:
        base_url = f"http://127.0.0.1:{server.port}"
        response = httpx.get(
            f"{base_url}/items/999999",
            headers={"X-Forwarded-For": FORWARDED, **server_headers(base_url)},
            timeout=10,
        )
        assert response.status_code == 404
    # Before, uvicorn believed 127.0.0.1 by default and every layer saw the forwarded address.
    assert logged_clients(untrusting, "/items/999999") == ["127.0.0.1"]
    assert logged_clients(trusting, "/items/999999") == [FORWARDED]
