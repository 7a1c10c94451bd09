"""Over real loopback HTTP: `serve()` in the test's event loop, and `run_server` as a
separate process that writes its env file and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from sly_tui.demo import Emulator, serve
from sly_tui.demo.runner import write_env_file

from .conftest import API


async def test_loopback_serves_json_and_streams(live_url: str, emulator: Emulator) -> None:
    assert live_url.startswith("http://127.0.0.1:")
    headers = {"x-api-key": emulator.token}
    async with httpx.AsyncClient(base_url=live_url, headers=headers) as client:
        assert (await client.get("/")).status_code == 200
        me = await client.post(API + "users.me", json={})
        assert me.status_code == 200 and me.json()["id"] == 1
        log = await client.get(API + "tasks.log.download", params={"id": 1001, "limit": 2})
        assert len(log.json()) == 2
        task = next(t for t in emulator.world.tasks.values() if t.import_files)
        path = task.import_files[0].path
        async with client.stream(
            "POST", API + "tasks.import.download_file", json={"id": task.id, "filename": path}
        ) as response:
            content = b"".join([chunk async for chunk in response.aiter_bytes()])
        assert len(content) == task.import_files[0].size
        missing = await client.post(
            API + "tasks.info", json={"id": 1001}, headers={"x-api-key": ""}
        )
        assert missing.status_code == 400


async def test_two_servers_get_their_own_ports(emulator: Emulator) -> None:
    async with serve(emulator) as first, serve(emulator) as second:
        assert first != second


def test_env_file_is_private_even_if_it_existed(tmp_path: Path) -> None:
    path = tmp_path / "demo.env"
    path.write_text("old")
    path.chmod(0o644)
    write_env_file(str(path), "http://127.0.0.1:1", "T" * 128)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == f"SERVER_ADDRESS=http://127.0.0.1:1\nAPI_TOKEN={'T' * 128}\n"


def test_run_server_prints_writes_env_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env_file = tmp_path / "sly.env"
    code = (
        "from sly_tui.demo import run_server; "
        f"run_server(port=0, seed=4, env_file={str(env_file)!r})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Supervisely emulator listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[-1].strip()
        second = process.stdout.readline()
        assert second.strip().endswith(f"to {env_file}")
        settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert settings.keys() == {"SERVER_ADDRESS", "API_TOKEN"}
        assert settings["SERVER_ADDRESS"] == url
        token = settings["API_TOKEN"]
        assert len(token) == 128 and token.isalnum()
        reply = httpx.post(url + API + "users.me", json={}, headers={"x-api-key": token})
        assert reply.status_code == 200
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert token not in first + second + rest + err  # the env file holds it (QA #14)
