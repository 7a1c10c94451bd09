"""Serving the emulator over real HTTP: in the caller's event loop (`serve`, for tests and
the TUI's demo mode) or as a blocking process (`run_server`, for `sly-tui demo-server`)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator

import uvicorn

from sly_tui.demo.emulator import Emulator
from sly_tui.demo.faults import Faults
from sly_tui.demo.protocol import HEADER_TIMEOUT, MAX_CONNECTIONS, GuardedH11Protocol


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the host (pytest, Textual, `run_server`) owns
    Ctrl-C, and an embedded server must not steal it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextlib.asynccontextmanager
async def serve(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> AsyncIterator[str]:
    """Serve `emulator` on `host:port` (0 = a free port) in the running event loop and
    yield its base URL; the server stops when the block exits. Connections that do not
    send their headers within `header_timeout` s are closed (see `GuardedH11Protocol`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio disables Nagle only on accepted sockets of that protocol,
    # and without it every reply's body waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    protocol = functools.partial(
        GuardedH11Protocol, header_timeout=header_timeout, max_connections=max_connections
    )
    config = uvicorn.Config(
        emulator.app,
        http=protocol,  # type: ignore[arg-type]
        log_level="warning",
        lifespan="off",
        access_log=False,
        date_header=False,  # the emulator sends its simulated time instead
        timeout_graceful_shutdown=1,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start
                raise RuntimeError("the emulator's server stopped before it started")
            await asyncio.sleep(0.005)
        yield _url(host, sock.getsockname()[1])
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()


def write_env_file(path: str, url: str, token: str) -> None:
    """Write `SERVER_ADDRESS`/`API_TOKEN` (the SDK's env-file keys) readable by the owner
    only, also when the file already existed with wider permissions."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, f"SERVER_ADDRESS={url}\nAPI_TOKEN={token}\n".encode())
    finally:
        os.close(fd)


def run_server(
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str | None = None,
    seed: int = 0,
    speed: float = 1.0,
    env_file: str | None = None,
    big_workspace_tasks: int = 0,
    big_log_lines: int = 0,
    big_team: int = 0,
    faults: Faults | None = None,
) -> None:
    """Run the emulator until Ctrl-C or SIGTERM, printing its address, and its tokens
    unless `env_file` receives the admin's."""
    emulator = Emulator(
        seed=seed,
        speed=speed,
        token=token,
        big_workspace_tasks=big_workspace_tasks,
        big_log_lines=big_log_lines,
        big_team=big_team,
        faults=faults,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        async with serve(emulator, host, port) as url:
            print(f"Supervisely emulator listening on {url}", flush=True)
            if env_file:  # the token is in a 0600 file: keep it out of terminals and logs
                write_env_file(env_file, url, emulator.token)
                print(f"Wrote SERVER_ADDRESS and API_TOKEN to {env_file}", flush=True)
            else:  # the only way to learn them, as `jupyter` prints its URL with its token
                print(f"API token (admin):  {emulator.token}", flush=True)
                print(f"API token (viewer): {emulator.viewer_token}", flush=True)
            print("Press Ctrl-C to stop.", flush=True)
            await stop.wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    print("Emulator stopped.", file=sys.stderr, flush=True)
