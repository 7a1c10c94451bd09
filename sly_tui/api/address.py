"""Where requests go: the SDK's address normalisation and the API root built from it.

Kept byte-for-byte compatible with `supervisely.Api.normalize_server_address` so that an
address that works with the SDK works here, and one that fails there fails here too.
"""

from __future__ import annotations


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
