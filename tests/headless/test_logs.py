"""`sly-tui logs`: the plain format, raw JSON, level/tail/since, and --follow across an
outage without a line lost or repeated."""

from __future__ import annotations

import asyncio
import json

from sly_tui.api import SlyClient
from sly_tui.demo import Emulator
from sly_tui.monitor.log_spool import LogLine
from sly_tui.text import clean

from .conftest import Sly, detached, start_export

T0 = "2026-11-27T11:00:0"
ENTRIES = [
    {"level": "info", "message": "hello", "timestamp": T0 + "0.000Z"},
    {"level": "warning", "message": "careful", "timestamp": T0 + "1.000Z"},
    {
        "level": "error",
        "message": "boom",
        "timestamp": T0 + "2.000Z",
        "stack": ["Traceback (most recent call last):", '  File "app.py", line 1', "ValueError"],
    },
    {"level": "debug", "message": "two\nlines", "timestamp": T0 + "3.000Z"},
    # Same instant twice: both must print, once each.
    {"level": "info", "message": "tick", "timestamp": T0 + "4.000Z"},
    {"level": "info", "message": "tick", "timestamp": T0 + "4.000Z"},
    {
        "level": "info",
        "message": "\x1b]0;owned\x07title \x1b[2Jclear \x9b31mred\u202eevil \x1bc reset",
        "timestamp": T0 + "5.000Z",
    },
    {"level": "fatal", "message": "the end", "timestamp": T0 + "6.000Z"},
]
PLAIN = f"""\
{T0}0.000Z INFO  hello
{T0}1.000Z WARN  careful
{T0}2.000Z ERROR boom
    Traceback (most recent call last):
      File "app.py", line 1
    ValueError
{T0}3.000Z DEBUG two
    lines
{T0}4.000Z INFO  tick
{T0}4.000Z INFO  tick
{T0}5.000Z INFO  title clear 31mredevil  reset
{T0}6.000Z FATAL the end
"""


async def test_plain_lines_have_time_level_and_indented_continuations(
    sly: Sly, admin: SlyClient
) -> None:
    task_id = await detached(admin, ENTRIES)
    result = await sly("logs", str(task_id))
    assert result.code == 0 and result.err == ""
    assert result.out == PLAIN
    for hostile in ("\x1b", "\x9b", "\x07", "\u202e"):
        assert hostile not in result.out


async def test_jsonl_is_the_servers_entries(sly: Sly, admin: SlyClient) -> None:
    task_id = await detached(admin, ENTRIES)
    result = await sly("logs", str(task_id), "--jsonl")
    printed = [json.loads(line) for line in result.out.splitlines()]
    assert printed == [entry.raw for entry in await admin.tasks.get_logs(task_id)]
    assert "\x1b" not in result.out and "\\u001b" in result.out


async def test_level_tail_and_since_pick_lines(sly: Sly, admin: SlyClient) -> None:
    task_id = await detached(admin, ENTRIES)
    lines = PLAIN.replace("\n    ", "\x00").splitlines()  # one entry per item

    def entries(out: str) -> list[str]:
        return out.replace("\n    ", "\x00").splitlines()

    warn = await sly("logs", str(task_id), "--level", "warn")
    assert entries(warn.out) == [lines[1], lines[2], lines[7]]
    tail = await sly("logs", str(task_id), "--tail", "3")
    assert entries(tail.out) == lines[-3:]
    both = await sly("logs", str(task_id), "--tail", "2", "--level", "error")
    assert entries(both.out) == [lines[2], lines[7]]
    since = await sly("logs", str(task_id), "--since", T0 + "4Z")
    assert entries(since.out) == lines[4:]
    bad = await sly("logs", str(task_id), "--since", "yesterday")
    assert bad.code == 2 and "ISO-8601" in bad.err


async def test_unknown_task_is_one_sentence(sly: Sly) -> None:
    for argv in (("logs", "999999"), ("logs", "999999", "--follow"), ("logs", "999999", "-f")):
        result = await sly(*argv)
        assert result.code == 1
        assert (
            result.err == "sly-tui: Task 999999 does not exist (or is not visible to this token).\n"
        )


async def test_follow_survives_an_outage_without_losing_or_repeating_lines(
    sly: Sly, admin: SlyClient, emulator: Emulator
) -> None:
    task_id = await start_export(admin)
    follow = asyncio.ensure_future(sly("logs", str(task_id), "--follow", "--interval", "0.5"))
    async with asyncio.timeout(30):
        for step in range(10_000):
            if follow.done():
                break
            if step == 20:  # some lines are out; the log download now fails twice
                emulator.faults.update(
                    {"fail_next": 2, "error_status": 503, "methods": ["tasks.log.download"]}
                )
            emulator.advance(1)
            await asyncio.sleep(0.05)
    result = follow.result()
    assert result.code == 0
    info = await admin.tasks.get_info_by_id(task_id)
    assert info is not None and not info.is_active
    full = await admin.tasks.get_logs(task_id)
    assert len(full) > 10 and full[-1].message == "TASK_END"
    assert result.out == "".join(LogLine.from_entry(entry).plain() + "\n" for entry in full)
    notices = result.err.splitlines()
    assert sum("HTTP 503" in line and "Retrying in" in line for line in notices) == 2, notices
    assert notices[-1] == "sly-tui: Connection restored; carrying on."
    assert emulator.faults.fail_next == 0


def hiding(token: str) -> list[str]:
    """Log messages that carry the token split by things a terminal does not draw, or a
    long part of it."""
    return [
        f"esc {token[:40]}\x1b[0m{token[40:]} end",
        f"nul {token[:10]}\x00{token[10:]} end",
        f"bidi {token[:50]}\u202e{token[50:]} end",
        f"c1 {token[:60]}\x9b{token[60:]} end",
        f"osc {token[:20]}\x1b]0;title\x07{token[20:]} end",
        f"zero-width {token[:30]}\u200b{token[30:70]}\u2060{token[70:]} end",
        f"part {token[5:25]} end",
    ]


def shows_any_part(text: str, token: str) -> bool:
    return any(token[i : i + 16] in text for i in range(len(token) - 15))


async def test_the_token_never_reappears_however_split(
    sly: Sly, admin: SlyClient, emulator: Emulator
) -> None:
    token = emulator.token
    entries = [
        {"level": "info", "message": message, "timestamp": T0 + f"{i}.000Z"}
        for i, message in enumerate(hiding(token))
    ]
    task_id = await detached(admin, entries)
    plain = await sly("logs", str(task_id))
    assert plain.code == 0 and plain.out.count("********") == len(entries)
    assert not shows_any_part(plain.out, token)
    jsonl = await sly("logs", str(task_id), "--jsonl")
    messages = [json.loads(line)["message"] for line in jsonl.out.splitlines()]
    assert len(messages) == len(entries)
    assert not any(shows_any_part(clean(m).replace("\u200b", ""), token) for m in messages)
    assert all("********" in message for message in messages)
