"""The task detail screen: live log, overview, meta tree, hostile text everywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, Static, TabbedContent

from sly_tui.demo import Emulator, ManualClock
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.log_view import LogView
from sly_tui.ui.widgets.path_picker import SaveFileModal

from .helpers import Notes, press, screen_text, wait_for

HOSTILE = "[bold]x[/] [/red] [@click=app.quit]q[/] \x1b]2;PWNED\x07\x1b[31mred\x1b[0m \x9b2J"
SHOWN = "[bold]x[/] [/red] [@click=app.quit]q[/] red 2J"


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


async def open_detail(pilot, task_id: int) -> TaskDetailScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    pilot.app.push_screen(TaskDetailScreen(task_id))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.info is not None and len(screen.spool) > 0)
    return screen


def running_task(emulator: Emulator) -> int:
    return min(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == "started"
    )


async def test_live_log_follows_new_lines(app, emulator: Emulator):
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        view = screen.query_one(LogView)
        before = len(screen.spool)
        emulator.advance(60)
        app.monitor.refresh()
        await wait_for(pilot, lambda: len(screen.spool) > before)
        assert view.following
        # nothing lost or repeated: the spool equals the server's log
        server_lines = emulator.simulator.log_of(emulator.world.tasks[task_id])
        assert len(screen.spool) == len(server_lines)


async def test_reopening_continues_without_repeating(app, emulator: Emulator):
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        first = len(screen.spool)
        await pilot.press("escape")
        emulator.advance(30)
        screen = await open_detail(pilot, task_id)
        app.monitor.refresh()
        expected = len(emulator.simulator.log_of(emulator.world.tasks[task_id]))
        await wait_for(pilot, lambda: len(screen.spool) == expected)
        assert len(screen.spool) >= first


async def test_a_saved_log_is_named_after_its_task(app, emulator: Emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, task_id)
        screen.query_one(LogView).focus()
        await pilot.press("s")  # asks where, the current directory prefilled
        saved = tmp_path / f"task-{task_id}-log.txt"
        await wait_for(pilot, lambda: isinstance(app.screen, SaveFileModal))
        assert app.screen.query_one("#path-input", Input).value == str(saved)
        assert saved.name in screen_text(pilot)
        await pilot.press("enter")
        await wait_for(pilot, saved.exists)
        await wait_for(pilot, lambda: f"saved to {saved.name}" in screen_text(pilot))


async def test_hostile_text_in_every_field(app, emulator: Emulator):
    task = emulator.world.tasks[running_task(emulator)]
    task.meta["name"] = HOSTILE
    task.description = HOSTILE
    task.meta["app"] = {**task.meta.get("app", {}), "name": HOSTILE, "version": HOSTILE}
    task.meta["output"] = {"general": {"title": HOSTILE, "description": HOSTILE, "isError": True}}
    task.meta[HOSTILE] = {HOSTILE: [HOSTILE]}
    emulator.simulator.log_of(task).insert(
        0, {"message": HOSTILE, "level": HOSTILE, "timestamp": "2026-11-27T00:00:00.000Z"}
    )
    async with app.run_test(size=(200, 60)) as pilot:
        await open_detail(pilot, task.id)
        text = screen_text(pilot)
        assert SHOWN in text  # title and log line
        for tab in ("1", "3"):
            await press(pilot, tab)
            text = screen_text(pilot)
            assert SHOWN in text
            assert "\x1b" not in text and "PWNED" not in text and "\x9b" not in text
        assert app.is_running


async def test_credentials_are_hidden_in_meta_and_our_token_everywhere(
    app, emulator: Emulator, client
):
    task = emulator.world.tasks[running_task(emulator)]
    task.meta["sessionToken"] = "s3cr3t-session"
    task.meta["x-api-key"] = "s3cr3t-key"
    task.meta["tokenizer"] = "bpe"  # a word ending that is not a credential
    task.meta["note"] = f"run with {emulator.token}"
    await client.tasks.submit_logs([{"task_id": task.id, "message": f"API_TOKEN={emulator.token}"}])
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_detail(pilot, task.id)
        lines = [screen.spool.line(i).plain() for i in range(len(screen.spool))]
        assert any(line.endswith("API_TOKEN=********") for line in lines)
        assert not any(emulator.token in line for line in lines)
        await press(pilot, "3")
        text = screen_text(pilot)
        assert "sessionToken" in text and "s3cr3t-session" not in text
        assert "x-api-key" in text and "s3cr3t-key" not in text and '"bpe"' in text
        assert "run with ********" in text
        assert emulator.token[:20] not in text


async def test_escape_goes_back_to_the_list(app, emulator: Emulator):
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, running_task(emulator))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))


async def test_refresh_shows_writes_to_an_ended_task(make_app, emulator: Emulator):
    app = make_app(team_id=101, workspace_id=201, interval=0.5)
    tasks = emulator.world.tasks.values()
    ended = min(t.id for t in tasks if t.workspace_id == 201 and t.status == "finished")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_detail(pilot, ended)
        # an ended task is read until nothing new comes, then no more
        await wait_for(pilot, lambda: screen.subscription.done)
        for title in ("first", "second"):  # every later write shows too, not only the first
            await app.client.tasks.set_output_text(ended, f"note {title}")
            app.action_refresh()
            await wait_for(pilot, lambda t=title: f"note {t}" in str(screen.info.output))
            await wait_for(pilot, lambda: screen.subscription.done)


async def test_a_tab_opened_by_its_number_takes_the_keys(app, emulator: Emulator):
    from sly_tui.ui.widgets.json_tree import JsonTree

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, running_task(emulator))
        assert isinstance(app.focused, LogView)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.focused, JsonTree))
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.focused, LogView))
        assert screen.query_one(LogView).display
        # From a tab whose table has the keys to one with nothing to focus, and back: the
        # tab left must not pull itself open again (that loop once took a whole core).
        tabs = screen.query_one(TabbedContent)
        for key, tab in [("6", "files"), ("1", "overview"), ("6", "files"), ("2", "logs")]:
            await press(pilot, key)  # a tab that reopened itself would never let this settle
            assert tabs.active == tab


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_open_tab_keeps_its_keys(app, emulator: Emulator, size):
    """Pressing the number of the tab already open, or clicking a tab, leaves its keys
    working: the log's `f`/`w`, the Overview's End/Home/PgDn."""
    from textual.containers import VerticalScroll
    from textual.widgets import Tabs

    async with app.run_test(size=size) as pilot:
        screen = await open_detail(pilot, running_task(emulator))
        log = screen.query_one(LogView)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.focused is log)
        wrapped = log.wrap
        await pilot.press("w")
        await wait_for(pilot, lambda: log.wrap != wrapped)
        following = log.following
        await pilot.press("f")
        await wait_for(pilot, lambda: log.following != following)

        # The Overview, opened by a click (the tab bar takes the focus) and made taller than
        # the screen with progress rows, scrolls with the keys.
        scroll = screen.query_one("#overview-scroll", VerticalScroll)
        await pilot.click("#--content-tab-overview")
        await wait_for(pilot, lambda: isinstance(app.focused, Tabs))
        await pilot.pause()
        box = screen.query_one("#progress")
        await box.mount_all(Static(f"filler {n}") for n in range(40))
        await wait_for(pilot, lambda: scroll.max_scroll_y > 10)
        await pilot.press("end")
        await wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        assert app.focused is scroll
        await pilot.press("home")
        await wait_for(pilot, lambda: scroll.scroll_y == 0)
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: scroll.scroll_y > 0)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: scroll.scroll_y == 0)
        await pilot.press("1")
        await pilot.press("end")
        await wait_for(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        assert app.focused is scroll

        # Back to the log by a click: the log's keys work at once.
        await pilot.click("#--content-tab-logs")
        await wait_for(pilot, lambda: screen.query_one(TabbedContent).active == "logs")
        wrapped = log.wrap
        await pilot.press("w")
        await wait_for(pilot, lambda: log.wrap != wrapped)
        assert app.focused is log


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_failed_task_says_why_in_its_overview(app, emulator: Emulator, size):
    """The error output and the last error lines of the log, literal and masked, top of the
    Overview."""
    task = min(
        (t for t in emulator.world.tasks.values() if t.workspace_id == 201 and t.status == "error"),
        key=lambda t: t.id,
    )
    emulator.simulator.log_of(task).write(
        emulator.clock.now(), "error", f"{HOSTILE} token={emulator.token}"
    )
    async with app.run_test(size=size) as pilot:
        await open_detail(pilot, task.id)
        await pilot.press("1")
        await wait_for(pilot, lambda: "Failed" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Task failed" in text and "See the task log for the traceback" in text
        assert "ValueError: " in text  # the exception line closing an error's stack
        assert f"> {SHOWN} token=********" in text
        assert emulator.token[:20] not in text and "\x1b" not in text


async def test_a_running_duration_counts_on_in_the_overview(app, emulator: Emulator):
    import re

    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, running_task(emulator))
        await pilot.press("1")

        def duration() -> str | None:
            found = re.search(r"duration\s+(\S+)", screen_text(pilot))
            return found[1] if found else None

        await wait_for(pilot, lambda: duration() is not None)
        before = duration()
        emulator.clock.advance(90)  # no poll comes in the meantime: the interval is 60 s
        await wait_for(pilot, lambda: duration() != before)


async def test_another_instance_at_the_same_address_never_shows_these_lines(
    make_app, emulator: Emulator
):
    """A reinstall (or an SSH tunnel to another box) answers at the same address with the
    same task ids; the log cache is keyed by the instance, so its lines stay apart."""
    reinstalled = Emulator(seed=2, clock=ManualClock(emulator.clock.now()))
    admin = reinstalled.world.users[1]
    reinstalled.world.users[1] = replace(admin, created_at=admin.created_at + timedelta(hours=3))
    task_id = min(
        t.id
        for t in emulator.world.tasks.values()
        if t.workspace_id == 201 and t.status == "finished" and t.id in reinstalled.world.tasks
    )

    async def spooled(instance: Emulator) -> tuple[list[str], Path]:
        app = make_app(
            token=instance.token,
            team_id=101,
            workspace_id=201,
            transport=httpx.ASGITransport(app=instance.app),
            clock=instance.clock.now,
        )
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_detail(pilot, task_id)
            expected = len(instance.simulator.log_of(instance.world.tasks[task_id]))
            await wait_for(pilot, lambda: len(screen.spool) == expected)
            return [screen.spool.line(i).text for i in range(len(screen.spool))], app.log_dir

    first, first_dir = await spooled(emulator)
    other, other_dir = await spooled(reinstalled)
    again, again_dir = await spooled(emulator)
    assert other_dir != first_dir and again_dir == first_dir  # same instance: cache reused
    assert other != first and again == first


async def test_no_writable_home_or_cache_still_shows_logs_and_says_so_once(
    make_app, emulator: Emulator, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """A service account whose HOME does not exist (here: is a file, so even root cannot
    create anything under it): logs are kept in memory, with one notice for the session."""
    home = tmp_path / "home"
    home.write_text("")
    monkeypatch.setenv("HOME", str(home))
    for name in ("SLY_TUI_CONFIG_DIR", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(
        team_id=101,
        workspace_id=201,
        cache_dir=home / "cache",
        remember=True,
        clock=emulator.clock.now,
    )
    task_id = running_task(emulator)
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        screen = await open_detail(pilot, task_id)
        expected = len(emulator.simulator.log_of(emulator.world.tasks[task_id]))
        await wait_for(pilot, lambda: len(screen.spool) == expected)
        await pilot.press("escape")
        await open_detail(pilot, min(t for t in emulator.world.tasks if t != task_id))
        kept = [m for m in notes.messages if "kept in memory" in m]
        assert len(kept) == 1 and "the log cache cannot be written" in kept[0]
        app.theme = "textual-light"  # remembering it fails quietly too
        await pilot.pause()


async def test_a_token_split_by_invisible_characters_never_reaches_screen_or_svg(
    app, emulator: Emulator, client
):
    token = emulator.token
    task = emulator.world.tasks[running_task(emulator)]
    split = [
        f"esc {token[:40]}\x1b[0m{token[40:]}",
        f"osc {token[:20]}\x1b]0;t\x07{token[20:]}",
        f"zwsp {token[:64]}\u200b{token[64:]}",
        f"part {token[30:50]}",
    ]
    await client.tasks.submit_logs([{"task_id": task.id, "message": m} for m in split])
    async with app.run_test(size=(200, 60)) as pilot:
        await open_detail(pilot, task.id)
        await wait_for(pilot, lambda: "part ********" in screen_text(pilot))
        shown = screen_text(pilot) + app.export_screenshot()
        assert not any(token[i : i + 16] in shown for i in range(len(token) - 15))
        for line in ("esc ********", "osc ********", "zwsp ********"):
            assert line in screen_text(pilot)


async def test_a_server_without_the_log_endpoint_says_so(app, emulator: Emulator):
    """An older instance answers 404 to `tasks.log.download`: one sentence in the log's
    status line, and the task itself is still shown and followed."""
    emulator.faults.update(
        {"error_status": 404, "fail_next": 1_000_000, "methods": ["tasks.log.download"]}
    )
    task_id = running_task(emulator)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
        pilot.app.push_screen(TaskDetailScreen(task_id))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
        screen = pilot.app.screen
        await wait_for(pilot, lambda: "does not offer task logs" in screen_text(pilot))
        assert screen.info is not None and screen.info.id == task_id
        text = screen_text(pilot)
        assert "no such object" not in text and "404" not in text
        emulator.world.tasks[task_id].description = "changed while watched"
        await pilot.press("r")
        await wait_for(pilot, lambda: "changed while watched" in repr(screen.info.raw))
