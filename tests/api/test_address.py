"""Address normalisation must match the SDK's `normalize_server_address` exactly."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sly_tui.api import (
    ProtocolError,
    SlyClient,
    address_problem,
    api_root,
    normalize_server_address,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("app.supervisely.com", "http://app.supervisely.com"),
        ("https://app.supervisely.com/", "https://app.supervisely.com"),
        ("//host:8080//", "http://host:8080"),
        ("http://10.0.0.5:38585", "http://10.0.0.5:38585"),
        ("HTTPS://Host", "http://HTTPS://Host"),  # the SDK's check is case-sensitive
        (" host ", "http:// host "),  # only slashes are stripped
    ],
)
def test_normalize_like_the_sdk(given: str, expected: str) -> None:
    assert normalize_server_address(given) == expected


def test_api_root_appends_public_api_only_to_the_server() -> None:
    assert api_root("host/") == "http://host/public/api"
    assert api_root("host", "https://api.host/") == "https://api.host"


async def test_requests_go_to_the_api_root() -> None:
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"version": "6.17.8"})

    transport = httpx.MockTransport(handler)
    async with SlyClient("host:9/", "t", transport=transport, check_https=False) as client:
        assert await client.instance.version() == "6.17.8"
    async with SlyClient(
        "host", "t", api_server_address="api:1/", transport=transport, check_https=False
    ) as client:
        await client.instance.version()
    assert urls == [
        "http://host:9/public/api/v3/instance.version",
        "http://api:1/v3/instance.version",
    ]


def https_server(*, probe: bool, redirect: bool) -> tuple[httpx.MockTransport, list[str]]:
    """A server on https:// only: its root answers the probe when `probe`; plain http gets
    a permanent redirect to the same path on https when `redirect`, else no connection."""
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(f"{request.method} {request.url}")
        if request.url.scheme == "http":
            if not redirect:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(
                308, headers={"Location": str(request.url.copy_with(scheme="https"))}
            )
        if request.url.path == "/":
            if not probe:
                raise httpx.ConnectError("TLS handshake failed", request=request)
            return httpx.Response(200, text="Supervisely")
        return httpx.Response(200, json={"version": "6.17.8"})

    return httpx.MockTransport(handler), urls


@pytest.mark.parametrize("address", ["http://host:9", "host:9"])
async def test_an_http_address_is_probed_once_on_https_and_switched(address: str) -> None:
    transport, urls = https_server(probe=True, redirect=False)
    async with SlyClient(address, "t", transport=transport) as client:
        await asyncio.gather(client.instance.version(), client.instance.version())
        await client.instance.version()
        assert client.api_root == "https://host:9/public/api"
    assert (
        urls == ["GET https://host:9/"] + ["POST https://host:9/public/api/v3/instance.version"] * 3
    )


@pytest.mark.parametrize("address", ["http://127.0.0.1:9", "localhost:9", "http://[::1]:9"])
async def test_a_loopback_address_is_not_probed(address: str) -> None:
    """`sly-tui demo-server` and an SSH tunnel's local end: no network for TLS to guard, and
    a TLS hello at a plain-HTTP server only makes it log a warning."""
    schemes: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        schemes.append(request.url.scheme)
        return httpx.Response(200, json={"version": "6.17.8"})

    async with SlyClient(address, "t", transport=httpx.MockTransport(handler)) as client:
        assert await client.instance.version() == "6.17.8"
        assert client.api_root.startswith("http://")
    assert schemes == ["http"]


async def test_a_plain_http_server_stays_on_http() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            raise httpx.ConnectError("wrong version number", request=request)
        return httpx.Response(200, json={"version": "6.17.8"})

    async with SlyClient("http://host:9", "t", transport=httpx.MockTransport(handler)) as client:
        assert await client.instance.version() == "6.17.8"
        assert await client.instance.version() == "6.17.8"
        assert client.api_root == "http://host:9/public/api"


async def test_a_permanent_redirect_to_https_is_followed_once_and_for_all() -> None:
    transport, urls = https_server(probe=False, redirect=True)
    async with SlyClient("http://host:9", "t", transport=transport) as client:
        assert await client.instance.version() == "6.17.8"
        assert await client.instance.version() == "6.17.8"
        assert client.api_root == "https://host:9/public/api"
    assert urls == [
        "GET https://host:9/",
        "POST http://host:9/public/api/v3/instance.version",
        "POST https://host:9/public/api/v3/instance.version",
        "POST https://host:9/public/api/v3/instance.version",
    ]


async def test_a_redirect_elsewhere_is_reported_not_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://other.example/"})

    transport = httpx.MockTransport(handler)
    async with SlyClient(
        "http://host:9", "x" * 32, transport=transport, check_https=False
    ) as client:
        with pytest.raises(ProtocolError, match=r"HTTP 301 \(redirect to https://other"):
            await client.instance.version()


def test_errors_name_host_and_port_only() -> None:
    client = SlyClient("[::1]:8080", None)
    assert client._t.address == "http://[::1]:8080"
    assert SlyClient("https://user:pw@host/", None)._t.address == "https://host"


@pytest.mark.parametrize("server", ["", "/", "http://a:b:c", "http://ho\x00st", "h:99999"])
def test_unusable_addresses_are_refused_up_front(server: str) -> None:
    with pytest.raises(ValueError, match="not a usable server address"):
        SlyClient(server, None)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("http://127.0.0.1:46900x", "the port must be a number from 1 to 65535"),
        ("http://127.0.0.1:99999", "the port must be a number from 1 to 65535"),
        ("host:0", "the port must be a number from 1 to 65535"),
        ("ftp://x", "only http:// and https:// addresses work"),
        ("HTTPS://Host", "only http:// and https:// addresses work"),
        ("http://", "it names no host"),
        ("", "it names no host"),
        ("http://a b", "it contains a space or a control character"),
        (" host", "it contains a space or a control character"),
        ("app.supervisely.com", None),
        ("https://user:pw@[::1]:65535/sly/", None),
    ],
)
def test_address_problem_is_one_reason_without_the_address(
    address: str, problem: str | None
) -> None:
    assert address_problem(address) == problem
