"""The HTTP face of the emulator: routing, auth, faults, argument parsing, error bodies.

Every RPC method lives at `/public/api/v3/<method>` and, for clients configured with
`SUPERVISELY_API_SERVER_ADDRESS`, at `/v3/<method>`. POST with a JSON body is accepted for
every method, GET with a query string too. Whatever goes wrong, the client gets a JSON
error body and a status, never a dropped connection, and never a token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sly_tui.demo import storable
from sly_tui.demo.errors import ApiError, bad_request
from sly_tui.demo.params import Params, parse_int
from sly_tui.demo.simulator import Simulator
from sly_tui.demo.world import User, World
from sly_tui.enums import MUTATING_METHODS

if TYPE_CHECKING:
    from sly_tui.demo.emulator import Emulator

log = logging.getLogger("sly_tui.demo")

MAX_BODY_BYTES = 64 * 1024 * 1024
# What a client learns about a bug: the exception goes to the server's log only.
INTERNAL_ERROR = ApiError(
    500, "Internal server error", "the emulator failed on this request; see its log"
)
# Methods whose JSON body is a bare array rather than an object.
ARRAY_BODY_METHODS = frozenset({"images.internal.hashes.list"})


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a multipart body."""

    name: str
    filename: str | None
    content: bytes


@dataclass
class Call:
    """Everything a handler may need about one request."""

    world: World
    sim: Simulator
    user: User
    now: datetime
    headers: Headers
    parts: dict[str, Part]
    body: Any  # the decoded JSON body when it is not an object (see ARRAY_BODY_METHODS)


Handler = Callable[[Call, Params], Any]


def error_response(
    error: ApiError,
    headers: Mapping[str, str] | None = None,
    scrub: Callable[[str], str] = str,
) -> JSONResponse:
    return JSONResponse(error.body(scrub), status_code=error.status, headers=headers)


def build_app(emulator: Emulator, handlers: dict[str, Handler]) -> Starlette:
    async def rpc(request: Request) -> Response:
        method = request.path_params["method"]
        emulator.requests[method] += 1
        response = await answer(request, method)
        # The world's time, which runs `speed` times faster than real time: clients read
        # durations of running tasks against it, as against a real server's clock.
        response.headers["date"] = format_datetime(emulator.clock.now(), usegmt=True)
        return response

    async def answer(request: Request, method: str) -> Response:
        try:
            return await _rpc(emulator, handlers, request, method)
        except ApiError as exc:
            return error_response(exc, scrub=emulator.scrub)
        except Exception:  # a bug must still answer with JSON, and leak nothing
            log.exception("handler for %s failed", method)
            return error_response(INTERNAL_ERROR)

    async def faults(request: Request) -> Response:
        try:
            user = emulator.authenticate(request.headers)
            if user.read_only:
                raise ApiError(403, "Permission denied", "fault settings need a non-viewer token")
            if request.method == "POST":
                emulator.faults.update(_object(await _json_body(request)))
        except ApiError as exc:
            return error_response(exc, scrub=emulator.scrub)
        return JSONResponse(emulator.faults.to_json())

    async def requests(request: Request) -> Response:
        """How many calls of each method the emulator has answered: benchmarks count what
        a client costs the server from outside the client's process."""
        try:
            emulator.authenticate(request.headers)
        except ApiError as exc:
            return error_response(exc, scrub=emulator.scrub)
        return JSONResponse(dict(emulator.requests))

    async def home(request: Request) -> Response:
        return PlainTextResponse("sly-tui demo: an emulated Supervisely instance.\n")

    async def no_route(request: Request, exc: Exception) -> Response:
        """Unknown paths and wrong verbs answer in the API's error shape too."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            message = f"{request.method} is not allowed here; use GET or POST"
            error = ApiError(405, "Method not allowed", message)
        else:
            message = f"no such path {request.url.path!r}; methods live at /public/api/v3/<method>"
            error = ApiError(exc.status_code, "Not found", message)
        return error_response(error, exc.headers, emulator.scrub)

    return Starlette(
        exception_handlers={HTTPException: no_route},
        routes=[
            Route("/", home, methods=["GET", "HEAD"]),
            Route("/public/api/v3/{method}", rpc, methods=["GET", "POST"]),
            Route("/v3/{method}", rpc, methods=["GET", "POST"]),
            Route("/demo/faults", faults, methods=["GET", "POST"]),
            Route("/demo/requests", requests, methods=["GET"]),
        ],
    )


async def _rpc(
    emulator: Emulator, handlers: dict[str, Handler], request: Request, method: str
) -> Response:
    # Faults come after authentication, as on a real server behind its gateway: no one
    # without a token learns anything from (or sets off) the fault injector.
    user = emulator.authenticate(request.headers)
    injector = emulator.injector
    if injector.applies(method):
        if emulator.faults.latency > 0:
            await asyncio.sleep(emulator.faults.latency)
        verdict = injector.verdict(method)
        if verdict == "error":
            status = emulator.faults.error_status
            return error_response(ApiError(status, "Injected fault", f"injected HTTP {status}"))
        if verdict == "rate_limit":
            retry_after = str(emulator.faults.retry_after)
            error = ApiError(429, "Too many requests", f"rate limited, retry in {retry_after} s")
            return error_response(error, headers={"Retry-After": retry_after})
        if verdict == "malformed":
            return Response(injector.garbage(), media_type="application/json")

    handler = handlers.get(method)
    if handler is None:
        raise ApiError(404, "Unknown method", f"method {method!r} does not exist")
    if method in MUTATING_METHODS and user.read_only:
        raise ApiError(
            403,
            "Permission denied",
            f"method {method!r} changes data and this token has a read-only (viewer) role",
        )
    params, parts, body = await _arguments(request, method)
    now = emulator.sync()
    call = Call(emulator.world, emulator.simulator, user, now, request.headers, parts, body)
    result = handler(call, params)
    return result if isinstance(result, Response) else JSONResponse(result)


async def _arguments(request: Request, method: str) -> tuple[Params, dict[str, Part], Any]:
    if request.method == "GET":
        return Params(dict(request.query_params), from_query=True), {}, None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return Params({}), parse_multipart(await _raw_body(request), content_type), None
    body = await _json_body(request)
    if method in ARRAY_BODY_METHODS:
        if not isinstance(body, list):
            raise bad_request(f"the body of {method!r} must be a JSON array")
        return Params({}), {}, body
    return Params(_object(body)), {}, body


async def _raw_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and parse_int(declared, "header 'content-length'") > MAX_BODY_BYTES:
        raise ApiError(413, "Payload too large", f"bodies are limited to {MAX_BODY_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, "Payload too large", f"bodies are limited to {MAX_BODY_BYTES} bytes")
    return body


async def _json_body(request: Request) -> Any:
    raw = await _raw_body(request)
    return storable.decode(raw) if raw.strip() else {}


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body


def parse_multipart(body: bytes, content_type: str) -> dict[str, Part]:
    """A small, exact multipart/form-data parser (parts keep their bytes untouched)."""
    boundary = ""
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        raise bad_request("multipart body without a boundary")
    delimiter = b"--" + boundary.encode()
    parts: dict[str, Part] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise bad_request("malformed multipart part (no blank line after its headers)")
        name, filename = _disposition(head.decode("utf-8", "replace"))
        if name is None:
            raise bad_request("multipart part without a name")
        parts[name] = Part(name, filename, content.removesuffix(b"\r\n"))
    return parts


def _disposition(head: str) -> tuple[str | None, str | None]:
    name = filename = None
    for line in head.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() != "content-disposition":
            continue
        for item in value.split(";")[1:]:
            k, _, v = item.strip().partition("=")
            if k == "name":
                name = v.strip('"')
            elif k == "filename":
                filename = v.strip('"')
    return name, filename
