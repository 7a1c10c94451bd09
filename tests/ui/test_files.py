"""The Files tab: an import task's files, downloads (one, several, cancelled, broken,
never over an existing file), uploads of files and a DTL archive, read-only refusal and
hostile names."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from textual.widgets import DirectoryTree, Input, TextArea

from sly_tui.api import ProtocolError, ReadOnlyError
from sly_tui.demo import Emulator
from sly_tui.demo.seed_data import file_hash, import_file_content
from sly_tui.demo.world import ImportFile, Task
from sly_tui.ui.forms.upload import UploadArchiveModal, UploadFilesModal
from sly_tui.ui.panes.files import FilesPane, free_target, local_name, parse_import_files
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.widgets.path_picker import PathPicker, PickDirectoryModal
from sly_tui.ui.widgets.transfer_row import State, TransferRow

from ..demo.test_artifacts import entries
from . import test_form_output as kit
from .helpers import Notes, click, press, screen_text, settle, wait_for
from .test_checkpoints import open_tab

DOWNLOAD = "tasks.import.download_file"
PIECE = 64 * 1024


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    """Where files go (tmp_path itself holds the app's cache)."""
    path = tmp_path / "downloads"
    path.mkdir()
    return path


def import_task(emulator: Emulator) -> Task:
    return next(t for t in emulator.world.tasks.values() if len(t.import_files) >= 3)


def big_file(emulator: Emulator, task: Task, size: int = 3 * 1024 * 1024) -> ImportFile:
    """Replace the task's first import file with one of several chunks (`CHUNK` is 1 MiB)."""
    path = "ds0/big/volume.bin"
    load = functools.partial(import_file_content, emulator.seed, task.id, path, size)
    task.import_files[0] = ImportFile(path, file_hash(load()), size, load)
    return task.import_files[0]


async def open_files(pilot, task_id: int, target: Path | None = None) -> FilesPane:
    pane = await open_tab(pilot, task_id, "6", FilesPane, lambda p: p.files is not None)
    if target is not None:
        pane.query_one("#files-target", Input).value = str(target)
    return pane


def rows(pane: FilesPane) -> list[TransferRow]:
    return list(pane.query(TransferRow))


async def downloads_end(pilot, pane: FilesPane, count: int) -> list[TransferRow]:
    await wait_for(
        pilot, lambda: len(rows(pane)) == count and not any(r.active for r in rows(pane))
    )
    return rows(pane)


def test_import_file_lists_of_other_shapes_are_read():
    files = parse_import_files({"files": ["a/b.jpg", {"fullpath": "c.png", "size": "12"}, 7]})
    assert [(f.name, f.path, f.size) for f in files] == [
        ("b.jpg", "a/b.jpg", None),
        ("c.png", "c.png", 12),
    ]
    with pytest.raises(ProtocolError):
        parse_import_files({"error": "nope"})


def test_local_names_stay_inside_and_never_collide(tmp_path: Path):
    [escape, dots] = parse_import_files(["../../etc/passwd", "x/.."])
    assert local_name(escape) == "passwd" and local_name(dots) == "download"
    (tmp_path / "data.tar.gz").write_bytes(b"")
    taken = {tmp_path / "data (1).tar.gz"}
    assert free_target(tmp_path, "data.tar.gz", taken) == tmp_path / "data (2).tar.gz"
    assert free_target(tmp_path, "README", set()) == tmp_path / "README"


async def test_an_import_task_lists_its_files(app, emulator: Emulator):
    task = import_task(emulator)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await open_files(pilot, task.id)
        assert [f.path for f in pane.files or ()] == [f.path for f in task.import_files]
        text = screen_text(pilot)
        assert f"{len(task.import_files)} import files" in text
        for item in task.import_files:
            assert item.path in text
        pane.query_one("#files-filter", Input).value = task.import_files[1].path
        await settle(pilot)
        assert [f.path for f in pane.shown_files] == [task.import_files[1].path]
        assert "1 shown" in screen_text(pilot)


async def test_download_one_then_several(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    first, second, third = task.import_files[:3]
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("s")  # the highlighted (first) file
        [row] = await downloads_end(pilot, pane, 1)
        assert row.state is State.DONE, row.message
        assert (downloads / "frame_0001.jpg").read_bytes() == first.load()

        await pilot.press("down", "space", "space")  # mark the second and third
        assert "2 marked" in screen_text(pilot)
        await pilot.press("s")
        done = await downloads_end(pilot, pane, 3)
        assert [r.state for r in done] == [State.DONE] * 3
        for item in (second, third):
            assert (downloads / item.path.rsplit("/", 1)[-1]).read_bytes() == item.load()
        assert entries(downloads) == ["frame_0001.jpg", "frame_0002.jpg", "frame_0003.jpg"]


async def test_an_existing_file_is_never_overwritten(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    (downloads / "frame_0001.jpg").write_bytes(b"mine")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("s", "s")  # twice at once: the two copies get different names
        first, second = await downloads_end(pilot, pane, 2)
        assert second.message == "saved as frame_0001 (2).jpg: frame_0001.jpg exists"
        assert (downloads / "frame_0001.jpg").read_bytes() == b"mine"
        assert (downloads / "frame_0001 (1).jpg").read_bytes() == task.import_files[0].load()
        assert (downloads / "frame_0001 (2).jpg").read_bytes() == task.import_files[0].load()
        assert first.message == "saved as frame_0001 (1).jpg: frame_0001.jpg exists"


class Held(httpx.AsyncByteStream):
    """A body that stops after `after` bytes until `release` is set. (The in-process
    transport hands over the whole body at once, so it is cut into network-sized pieces.)"""

    def __init__(self, inner: httpx.AsyncByteStream, release: asyncio.Event, after: int) -> None:
        self.inner = inner
        self.release = release
        self.after = after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        async for body in self.inner:
            for start in range(0, len(body), PIECE):
                if sent >= self.after:
                    await self.release.wait()
                piece = body[start : start + PIECE]
                yield piece
                sent += len(piece)

    async def aclose(self) -> None:
        await self.inner.aclose()


class HoldingTransport(httpx.AsyncBaseTransport):
    """Passes requests on; holds import-file downloads mid-body like a stalled network."""

    def __init__(self, inner: httpx.AsyncBaseTransport, after: int) -> None:
        self.inner = inner
        self.after = after
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith(DOWNLOAD):
            return response
        assert isinstance(response.stream, httpx.AsyncByteStream)
        held = Held(response.stream, self.release, self.after)
        return httpx.Response(response.status_code, headers=response.headers, stream=held)


def held_app(make_app, emulator: Emulator):
    """The dashboard on a transport that holds every download after its first MiB."""
    transport = HoldingTransport(httpx.ASGITransport(app=emulator.app), after=1024 * 1024)
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, transport=transport)


async def test_cancelling_mid_download_leaves_nothing(
    make_app, emulator: Emulator, downloads: Path
):
    task = import_task(emulator)
    big = big_file(emulator, task)
    app = held_app(make_app, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("s")
        # one chunk is on disk, in the temporary part, and the rest is held back
        await wait_for(pilot, lambda: any(n.endswith(".part") for n in entries(downloads)))
        [row] = rows(pane)
        assert row.state is State.RUNNING and "1.0 MiB / 3.0 MiB" in row.message
        await pilot.press("c")
        await wait_for(pilot, lambda: row.state is State.CANCELLED)
        await settle(pilot)
        assert entries(downloads) == []  # no part left, nothing under the final name
        assert big.size > 1024 * 1024


async def test_leaving_the_screen_cancels_downloads(make_app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    big_file(emulator, task)
    app = held_app(make_app, emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_files(pilot, task.id, downloads)
        await pilot.press("s")
        await wait_for(pilot, lambda: any(n.endswith(".part") for n in entries(downloads)))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TaskDetailScreen))
        await wait_for(pilot, lambda: entries(downloads) == [])
        assert app.is_running


async def test_cancelling_a_slow_request_leaves_nothing(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    emulator.faults.update({"latency": 30, "methods": [DOWNLOAD]})
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("s")
        await wait_for(pilot, lambda: rows(pane) and rows(pane)[0].state is State.RUNNING)
        await click(pilot, TransferRow)  # its ✕ button is the only focusable part of the row
        await pilot.press("c")
        [row] = await downloads_end(pilot, pane, 1)
        assert row.state is State.CANCELLED
        assert entries(downloads) == []


async def test_a_download_that_breaks_off_fails_alone(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    broken, fine = task.import_files[:2]
    broken.breaks_at = broken.size // 3
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("space", "space", "s")
        first, second = await downloads_end(pilot, pane, 2)
        assert first.state is State.FAILED and "ended after" in first.message
        assert second.state is State.DONE
        assert entries(downloads) == [fine.path.rsplit("/", 1)[-1]]
        assert "ended after" in screen_text(pilot)


async def test_a_refused_download_shows_the_servers_answer(
    app, emulator: Emulator, downloads: Path
):
    task = import_task(emulator)
    emulator.faults.update({"error_status": 404, "fail_next": 1, "methods": [DOWNLOAD]})
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("s")
        [row] = await downloads_end(pilot, pane, 1)
        assert row.state is State.FAILED and row.message
        assert entries(downloads) == []


async def test_a_bad_target_directory_is_named(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads / "nope")
        await press(pilot, "s")
        assert rows(pane) == []
        assert "is not an existing directory" in screen_text(pilot)
        assert app.focused is pane.query_one("#files-target")


async def test_the_directory_picker_fills_the_target(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    (downloads / "inbox").mkdir()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, PickDirectoryModal))
        tree = app.screen.query_one(DirectoryTree)
        await wait_for(pilot, lambda: len(tree.root.children) == 1)
        tree.select_node(tree.root.children[0])  # Enter on "inbox"
        await settle(pilot)
        assert app.screen.query_one(Input).value == str(downloads / "inbox")
        await click(pilot, "#path-confirm")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        assert pane.query_one("#files-target", Input).value == str(downloads / "inbox")


async def test_uploaded_files_join_the_list(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    sources = []
    for name in ("a.txt", "b.txt"):
        (downloads / name).write_text(f"content of {name}\n")
        sources.append(downloads / name)
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        pane = await open_files(pilot, task.id)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UploadFilesModal))
        form = app.screen
        form.query_one("#upload-paths", TextArea).text = f"{downloads / 'missing.txt'}\n"
        await settle(pilot)
        await click(pilot, "#form-submit")
        assert kit.error_of(form, "upload-paths").endswith("missing.txt: no such file.")
        form.query_one("#upload-paths", TextArea).text = "\n".join(map(str, sources))
        form.query_one("#upload-names", TextArea).text = "inbox/a.txt\ninbox/b.txt"
        await pilot.pause()  # the preview grows: let the buttons settle before the click
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        await wait_for(pilot, lambda: len(pane.files or ()) == len(task.import_files))
        assert [f.path for f in (pane.files or ())[-2:]] == ["inbox/a.txt", "inbox/b.txt"]
        assert f"Uploaded 2 files to task {task.id}." in notes.messages
        (downloads / "back").mkdir()  # and back again
        pane.query_one("#files-target", Input).value = str(downloads / "back")
        await pilot.press("ctrl+end", "s")
        await downloads_end(pilot, pane, 1)
        assert (downloads / "back" / "b.txt").read_bytes() == sources[1].read_bytes()


async def test_an_upload_fails_inline_and_can_be_cancelled(
    app, emulator: Emulator, downloads: Path
):
    task = import_task(emulator)
    before = list(task.import_files)
    (downloads / "a.txt").write_text("new content\n")
    fault = {"error_status": 400, "fail_next": 1, "methods": ["tasks.files.bulk.upload"]}
    emulator.faults.update(fault)
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        await open_files(pilot, task.id)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UploadFilesModal))
        form = app.screen
        await kit.fill(pilot, {"upload-paths": str(downloads / "a.txt")})
        await kit.submit(pilot)
        await wait_for(pilot, lambda: form.sent == 1 and not form.sending)
        assert kit.form_error(form).startswith("Uploading a.txt failed:")
        assert isinstance(app.screen, UploadFilesModal)  # open, with the path still there

        emulator.faults.update({"latency": 30, "fail_next": 0})
        await kit.submit(pilot)
        await wait_for(pilot, lambda: form.sending)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        assert notes.said("Stopped waiting")
    assert task.import_files == before


async def test_a_dtl_archive_is_picked_and_stored(app, emulator: Emulator, downloads: Path):
    task = import_task(emulator)
    (downloads / "graph.tar").write_bytes(b"tar bytes")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_files(pilot, task.id)
        await pilot.press("U")
        await wait_for(pilot, lambda: isinstance(app.screen, UploadArchiveModal))
        form = app.screen
        picker = form.query_one(PathPicker)
        picker.go(downloads)
        tree = picker.query_one(DirectoryTree)
        await wait_for(pilot, lambda: len(tree.root.children) == 1)
        tree.select_node(tree.root.children[0])  # Enter on graph.tar
        await settle(pilot)
        assert form.query_one("#archive-path", Input).value == str(downloads / "graph.tar")
        await click(pilot, "#form-submit")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        assert task.meta["archive"] == {"name": "graph", "size": 9, "hash": file_hash(b"tar bytes")}
        assert task.import_files[-1].path == "graph.tar"


async def test_read_only_hides_and_refuses_uploads(make_app, emulator: Emulator, downloads: Path):
    app = make_app(team_id=101, workspace_id=201, read_only=True)
    task = import_task(emulator)
    before = list(task.import_files)
    (downloads / "a.txt").write_text("a")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_files(pilot, task.id, downloads)
        text = screen_text(pilot)
        assert "Upload" not in text and "Download" in text
        for key in ("u", "U"):
            await press(pilot, key)
            assert isinstance(app.screen, TaskDetailScreen)
        await pilot.press("s")  # reading stays possible
        [row] = await downloads_end(pilot, pane, 1)
        assert row.state is State.DONE
    sent: list[object] = []
    async with kit.read_only_client(emulator, sent) as client:
        with pytest.raises(ReadOnlyError):
            await client.tasks.upload_files(task.id, [str(downloads / "a.txt")], ["a.txt"])
        with pytest.raises(ReadOnlyError):
            await client.tasks.upload_dtl_archive(task.id, str(downloads / "a.txt"))
    assert sent == []
    assert task.import_files == before


async def test_hostile_file_names_render_literally_and_stay_inside(
    app, emulator: Emulator, downloads: Path
):
    task = import_task(emulator)
    hostile = "../../[bold]x[@click=app.quit]q \x1b]2;PWNED\x07\x1b[31mred\x1b[0m.jpg"
    content = b"hostile"
    task.import_files[0] = ImportFile(hostile, file_hash(content), len(content), lambda: content)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await open_files(pilot, task.id, downloads / "in")
        (downloads / "in").mkdir()
        text = screen_text(pilot)
        assert "../../[bold]x[@click=app.quit]q red.jpg" in text
        assert "\x1b" not in text and "PWNED" not in text
        await pilot.press("s")
        [row] = await downloads_end(pilot, pane, 1)
        assert row.state is State.DONE, row.message
        assert entries(downloads / "in") == ["[bold]x[@click=app.quit]q red.jpg"]
        assert entries(downloads) == ["in"]
