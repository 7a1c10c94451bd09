"""Benchmark: `sly-tui demo-server` under a flood of idle connections.

Starts the demo server in its own process, opens `--connections` sockets to it from this
one (half silent, half sending the start of their headers), checks meanwhile that a real
request still gets its answer, then reports how many of the flood the server closed, the
server's RSS, and how many bytes it wrote to stderr. Prints figures, asserts nothing.

    python benchmarks/idle_connections.py [--connections 19000] [--port 8731]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
import time

import httpx

PARTIAL = b"POST /public/api/v3/users.me HTTP/1.1\r\nHost: emulator\r\nx-api-key: "


def server_side(pid: int) -> str:
    """The server's RSS and open file descriptors: what the flood costs it."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return f"server RSS {rss_mb(pid):.0f} MB, {fds:,} open fds"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def answer_ms(url: str, token: str) -> str:
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            reply = await client.post(
                "/public/api/v3/users.me", json={}, headers={"x-api-key": token}
            )
    except httpx.HTTPError as exc:
        return f"failed ({type(exc).__name__})"
    return f"HTTP {reply.status_code} in {(time.perf_counter() - started) * 1000:.0f} ms"


Flood = list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]


async def flood(port: int, count: int) -> tuple[Flood, int]:
    opened: Flood = []
    refused = 0
    for index in range(count):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            refused += 1
            continue
        if index % 2:
            writer.write(PARTIAL)
        opened.append((reader, writer))
    return opened, refused


def still_open(opened: Flood) -> int:
    """Connections not hung up on as far as we can tell (no EOF seen on our side); a few
    may be ones the kernel's accept queue dropped, which the server never held."""
    return sum(1 for reader, _ in opened if not reader.at_eof())


async def measure(url: str, token: str, pid: int, count: int) -> None:
    print(f"before: {await answer_ms(url, token)}, {server_side(pid)}")
    started = time.perf_counter()
    opened, refused = await flood(int(url.rsplit(":", 1)[1]), count)
    took = time.perf_counter() - started
    print(f"opened {len(opened):,} connections in {took:.1f} s ({refused:,} refused)")
    print(f"right after: {still_open(opened):,} still open")
    print(f"during: {await answer_ms(url, token)}, {server_side(pid)}")
    for wait in (12, 12):  # past the 10 s header deadline of the last ones accepted
        await asyncio.sleep(wait)
        print(f"{wait} s later: {still_open(opened):,} still open here, {server_side(pid)}")
    print(f"after: {await answer_ms(url, token)}, {server_side(pid)}")
    for _, writer in opened:
        writer.close()


def main(args: argparse.Namespace) -> None:
    token = secrets.token_hex(64)
    url = f"http://127.0.0.1:{args.port}"
    command = [sys.executable, "-m", "sly_tui", "demo-server", "--port", str(args.port)]
    with tempfile.TemporaryFile() as stderr:
        server = subprocess.Popen(
            [*command, "--token", token], stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            for _ in range(400):
                with contextlib.suppress(httpx.HTTPError):
                    httpx.get(url + "/")
                    break
                time.sleep(0.05)
            asyncio.run(measure(url, token, server.pid, args.connections))
            print(f"server alive: {server.poll() is None}")
        finally:
            server.terminate()
            server.wait(10)
            stderr.seek(0)
            noise = stderr.read()
        print(f"server stderr: {len(noise)} bytes (its own 'Emulator stopped.' is 18)")
        if noise:
            print(noise.decode(errors="replace")[-2000:])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=19_000)
    parser.add_argument("--port", type=int, default=8731)
    main(parser.parse_args())
