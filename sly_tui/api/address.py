"""Where requests go: the SDK's address normalisation and the API root built from it.

Kept byte-for-byte compatible with `supervisely.Api.normalize_server_address` so that an
address that works with the SDK works here, and one that fails there fails here too.
"""

from __future__ import annotations

import httpx

_BAD_PORT = "the port must be a number from 1 to 65535"


def normalize_server_address(address: str) -> str:
    """Strip slashes at both ends and prefix `http://` when no scheme is present.

    Only `/` is stripped (not whitespace) and nothing is lower-cased, exactly as the SDK does.
    """
    address = address.strip("/")
    if "http://" not in address and "https://" not in address:
        address = "http://" + address
    return address


def api_root(server: str, api_server_address: str | None = None) -> str:
    """The URL that `/v3/<method>` is appended to.

    An explicit API server address already points at the API root, so `/public/api` is not
    appended to it (SDK behaviour since `SUPERVISELY_API_SERVER_ADDRESS` exists).
    """
    if api_server_address:
        return normalize_server_address(api_server_address)
    return normalize_server_address(server) + "/public/api"


def address_problem(address: str) -> str | None:
    """Why `address` (as typed, normalised here) cannot reach a server, or None if it can.

    The reason never quotes the address (a token typed into the wrong field stays hidden).
    """
    if not address.isprintable() or any(char.isspace() for char in address):
        return "it contains a space or a control character"
    if "://" in address and "://" not in address.strip("/"):  # `http://` alone
        return "it names no host"
    normalised = normalize_server_address(address)
    scheme, _, rest = normalised.partition("://")
    if scheme not in ("http", "https") or "://" in rest:  # `ftp://x` became `http://ftp://x`
        return "only http:// and https:// addresses work"
    try:
        url = httpx.URL(normalised)
    except httpx.InvalidURL as exc:
        return _BAD_PORT if "port" in str(exc).lower() else "it cannot be parsed as a URL"
    if not url.host:
        return "it names no host"
    if url.port is not None and not 1 <= url.port <= 65535:
        return _BAD_PORT
    return None
