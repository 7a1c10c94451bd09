"""Address normalisation must match the SDK's `normalize_server_address` exactly."""

from __future__ import annotations

import httpx
import pytest

from sly_tui.api import SlyClient, address_problem, api_root, normalize_server_address


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
    async with SlyClient("host:9/", "t", transport=transport) as client:
        assert await client.instance.version() == "6.17.8"
    async with SlyClient("host", "t", api_server_address="api:1/", transport=transport) as client:
        await client.instance.version()
    assert urls == [
        "http://host:9/public/api/v3/instance.version",
        "http://api:1/v3/instance.version",
    ]


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
