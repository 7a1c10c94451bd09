"""Files of a task: the import files to browse and download, and uploads.

The list is `tasks.import.files_list`, read when the tab is first shown and again on
refresh or after an upload (an import file list does not change by itself). It is shown
for every task: import tasks have theirs from the start, and files uploaded to any task
join its list. Marked files (or the highlighted one) download into the directory typed
or picked above the list, each in its own `TransferRow` with a bar, at most
`PARALLEL` at a time. Files keep only their last path component, so a server name can
never write outside the chosen directory; an existing file is never replaced: the
download takes the next free name (`frame (1).jpg`) and says so. Leaving the screen
cancels what is still running; the client removes a cancelled file's temporary part.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from sly_tui.api import ApiError, ProtocolError, SlyClient, TaskInfo
from sly_tui.api.sentences import failure_sentence
from sly_tui.text import clean, one_line
from sly_tui.ui.forms.upload import UploadArchiveModal, UploadFilesModal, UploadModal
from sly_tui.ui.panes.polled_pane import PolledPane
from sly_tui.ui.widgets.path_picker import PickDirectoryModal, local_path, writable_directory
from sly_tui.ui.widgets.plain_table import PlainTable
from sly_tui.ui.widgets.sizes import human_size
from sly_tui.ui.widgets.transfer_row import Job, TransferRow

PARALLEL = 3  # downloads at once; the others wait their turn
KEEP_FINISHED = 20  # finished transfer rows kept on screen
MARK = "●"
_SEPARATORS = re.compile(r"[\\/]")


@dataclass(frozen=True)
class ImportFile:
    """One entry of the import file list, as far as its (undocumented) shape tells."""

    name: str  # for display (cleaned)
    path: str  # as the server sent it: what `download_import_file` asks for
    size: int | None
    hash: str | None

    @property
    def key(self) -> tuple[str, str | None]:
        """What marks are kept by across reloads (the same path may be uploaded twice)."""
        return (self.path, self.hash)


def _size(value: Any) -> int | None:
    """Bytes as a number or a digit string (as sizes travel); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def parse_import_files(value: Any) -> list[ImportFile]:
    """`[{name, path, hash, size}]` (the emulator's shape), tolerating bare path strings,
    `fullpath` for `path`, and a list wrapped in an object."""
    items = value
    if isinstance(value, dict):
        items = next((value[k] for k in ("files", "entities", "items") if k in value), None)
    if not isinstance(items, list):
        raise ProtocolError("The import file list is not a list.", method="tasks.import.files_list")
    files = []
    for item in items:
        entry = {"path": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            continue
        path = entry.get("path") or entry.get("fullpath") or entry.get("name")
        if not isinstance(path, str) or not path:
            continue
        name = entry.get("name") if isinstance(entry.get("name"), str) else None
        digest = entry.get("hash")
        files.append(
            ImportFile(
                name=one_line(name or _SEPARATORS.split(path)[-1] or path),
                path=path,
                size=_size(entry.get("size")),
                hash=digest if isinstance(digest, str) else None,
            )
        )
    return files


def local_name(file: ImportFile) -> str:
    """A safe file name for `file` in the target directory: its last path component,
    without control characters, never empty, `.` or `..`."""
    name = _SEPARATORS.split(clean(file.path))[-1].strip()
    name = one_line(name)[:200]
    return name if name not in ("", ".", "..") else "download"


def free_target(directory: Path, name: str, taken: set[Path]) -> Path:
    """`directory/name`, or `name (1)`, `name (2)` … when that exists or is being written."""
    candidate = directory / name
    stem, suffix = _split_suffix(name)
    number = 1
    while candidate.exists() or candidate.is_symlink() or candidate in taken:
        candidate = directory / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def _split_suffix(name: str) -> tuple[str, str]:
    """`frame.jpg` → (`frame`, `.jpg`); `data.tar.gz` → (`data`, `.tar.gz`)."""
    path = Path(name)
    suffixes = path.suffixes[-2:] if path.suffixes[-2:-1] == [".tar"] else path.suffixes[-1:]
    suffix = "".join(suffixes)
    if not suffix or suffix == name:
        return name, ""
    return name[: -len(suffix)], suffix


class FilesPane(PolledPane):
    TAB = "Files"
    FOCUS = "#files-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark", id="files.mark"),
        Binding("asterisk", "mark_all", "Mark all", show=False, id="files.mark_all"),
        Binding("s", "download", "Download", id="files.download"),
        Binding("c", "cancel_downloads", "Cancel downloads", id="files.cancel"),
        Binding("b", "browse", "Save to…", show=False, id="files.browse"),
        Binding("slash", "filter", "Filter", show=False, id="files.filter"),
        Binding("u", "upload", "Upload", id="files.upload"),
        Binding("U", "upload_archive", "Upload DTL archive", show=False, id="files.upload_dtl"),
    ]

    DEFAULT_CSS = """
    FilesPane #files-summary { height: 1; padding: 0 1; }
    FilesPane .files--bar { height: 1; padding: 0 1; }
    FilesPane .files--bar Label { width: 9; color: $text-muted; }
    FilesPane .files--bar Input { width: 1fr; }
    FilesPane .files--bar Button { margin-left: 1; }
    FilesPane #files-table { height: 1fr; }
    FilesPane #files-transfers { height: auto; max-height: 8; padding: 0 1; }
    FilesPane #files-status { height: 1; padding: 0 1; color: $text-muted; }
    FilesPane #files-status.-error { color: $error; }
    """

    def __init__(self, task_id: int, task: TaskInfo | None) -> None:
        super().__init__(task_id, task)
        self.files: list[ImportFile] | None = None  # None until the first answer
        self.shown_files: list[ImportFile] = []  # after the filter, in table order
        self.marked: set[tuple[str, str | None]] = set()
        self.writing: set[Path] = set()  # targets of running downloads
        self.slots = asyncio.Semaphore(PARALLEL)

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the import files…", "italic"), id="files-summary")
        with Horizontal(classes="files--bar"):
            yield Label("Filter")
            yield Input(placeholder="part of a name or path", id="files-filter", compact=True)
        with Horizontal(classes="files--bar"):
            yield Label("Save to")
            yield Input(str(Path.cwd()), id="files-target", compact=True)
            yield Button("Browse…", id="files-browse", compact=True)
        columns = [("mark", MARK), ("name", "Name"), ("size", "Size"), ("path", "Path")]
        yield PlainTable(columns, id="files-table")
        yield VerticalScroll(id="files-transfers")
        yield Static(id="files-status")

    # --- the list -------------------------------------------------------------------------

    async def fetch(self, client: SlyClient) -> list[ImportFile]:
        return parse_import_files(await client.tasks.get_import_files_list(self.task_id))

    def loaded(self, value: Any) -> None:
        files: list[ImportFile] = value
        if files != self.files:
            self.files = files
            self.marked &= {f.key for f in files}
            self._show_rows()
        self._show_summary()

    def failed(self, error: ApiError) -> None:
        self.status(f"Could not list the import files: {failure_sentence(error)}", error=True)

    def _matches(self, file: ImportFile) -> bool:
        wanted = self.query_one("#files-filter", Input).value.strip().casefold()
        return not wanted or wanted in file.name.casefold() or wanted in file.path.casefold()

    def _show_rows(self) -> None:
        self.shown_files = [f for f in self.files or () if self._matches(f)]
        rows = [
            (
                str(index),
                [
                    self._mark(file),
                    Text(file.name),
                    Text(human_size(file.size)),
                    Text(one_line(file.path)),
                ],
            )
            for index, file in enumerate(self.shown_files)
        ]
        self.query_one(PlainTable).show(rows)

    def _mark(self, file: ImportFile) -> Text:
        return Text(MARK if file.key in self.marked else "", "bold")

    def _show_summary(self) -> None:
        files = self.files or []
        summary = Text(no_wrap=True, overflow="ellipsis")
        if not files:
            summary.append("No import files.", "italic")
            if not self.sly.read_only:
                summary.append(" u uploads files to this task.")
        else:
            size = human_size(sum(f.size or 0 for f in files))
            summary.append(f"{len(files)} import file{'s' if len(files) != 1 else ''}", "bold")
            summary.append(f", {size}")
            if len(self.shown_files) != len(files):
                summary.append(f" · {len(self.shown_files)} shown")
            if self.marked:
                summary.append(f" · {len(self.marked)} marked")
        self.query_one("#files-summary", Static).update(summary)

    def status(self, line: str, *, error: bool = False) -> None:
        status = self.query_one("#files-status", Static)
        status.set_class(error, "-error")
        status.update(Text(one_line(line), no_wrap=True, overflow="ellipsis"))

    @on(Input.Changed, "#files-filter")
    def _filter_changed(self) -> None:
        self._show_rows()
        self._show_summary()

    @on(Input.Submitted, "#files-filter")
    def _filter_done(self) -> None:
        self.query_one("#files-table").focus()

    def action_filter(self) -> None:
        self.query_one("#files-filter").focus()

    # --- marks ----------------------------------------------------------------------------

    def _highlighted(self) -> ImportFile | None:
        table = self.query_one(PlainTable)
        if not self.shown_files or not 0 <= table.cursor_row < len(self.shown_files):
            return None
        return self.shown_files[table.cursor_row]

    def action_mark(self) -> None:
        file = self._highlighted()
        if file is None:
            return
        self.marked ^= {file.key}
        table = self.query_one(PlainTable)
        table.update_cell(str(table.cursor_row), "mark", self._mark(file))
        table.action_cursor_down()
        self._show_summary()

    def action_mark_all(self) -> None:
        """Mark every file shown; when all are marked already, unmark them."""
        keys = {f.key for f in self.shown_files}
        self.marked = self.marked - keys if keys <= self.marked else self.marked | keys
        table = self.query_one(PlainTable)
        for index, file in enumerate(self.shown_files):
            table.update_cell(str(index), "mark", self._mark(file))
        self._show_summary()

    # --- downloads ------------------------------------------------------------------------

    def chosen(self) -> list[ImportFile]:
        """The marked files (in list order), else the highlighted one."""
        if self.marked:
            seen: set[tuple[str, str | None]] = set()
            files = []
            for file in self.files or ():
                if file.key in self.marked and file.key not in seen:
                    seen.add(file.key)
                    files.append(file)
            return files
        highlighted = self._highlighted()
        return [highlighted] if highlighted is not None else []

    def action_download(self) -> None:
        files = self.chosen()
        if not files:
            self.status("Nothing to download: mark files with Space, or highlight one.")
            return
        directory = writable_directory(self.query_one("#files-target", Input).value)
        if isinstance(directory, str):
            self.status(directory, error=True)
            self.query_one("#files-target").focus()
            return
        box = self.query_one("#files-transfers", VerticalScroll)
        rows = [TransferRow(f.name, f.size, self._downloader(f, directory)) for f in files]
        box.mount_all(rows)
        self._forget_finished()
        count = len(files)
        self.status(f"Downloading {count} file{'s' if count != 1 else ''} to {directory}.")

    def _downloader(self, file: ImportFile, directory: Path) -> Job:
        async def download(row: TransferRow) -> str:
            client = self.sly.client
            if client is None:
                raise ApiError("Not connected to a server yet.")
            async with self.slots:
                wanted = local_name(file)
                target = free_target(directory, wanted, self.writing)
                self.writing.add(target)
                try:
                    row.begin(f"to {target}")
                    await client.tasks.download_import_file(
                        self.task_id, file.path, target, row.progress
                    )
                finally:
                    self.writing.discard(target)
            if target.name != wanted:
                return f"saved as {target.name}: {wanted} exists"
            return "saved"

        return download

    def _forget_finished(self) -> None:
        finished = [row for row in self.query(TransferRow) if not row.active]
        for row in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            row.remove()

    def action_cancel_downloads(self) -> None:
        running = [row for row in self.query(TransferRow) if row.active]
        for row in running:
            row.cancel()
        count = len(running)
        if count:
            self.status(f"Cancelled {count} download{'s' if count != 1 else ''}.")
        else:
            self.status("No download is running.")

    def action_browse(self) -> None:
        target = self.query_one("#files-target", Input)
        start = local_path(target.value) if target.value.strip() else Path.cwd()

        def chosen(directory: Path | None) -> None:
            if directory is not None:
                target.value = str(directory)

        self.app.push_screen(PickDirectoryModal(start), chosen)

    @on(Button.Pressed, "#files-browse")
    def _browse_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_browse()

    # --- uploads --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("upload", "upload_archive") and self.sly.read_only)

    def action_upload(self) -> None:
        self._open_upload(UploadFilesModal)

    def action_upload_archive(self) -> None:
        self._open_upload(UploadArchiveModal)

    def _open_upload(self, form: type[UploadModal]) -> None:
        if self.sly.read_only:
            self.notify("Read-only mode: uploads are disabled.", severity="warning")
            return
        self.app.push_screen(form(self.form_target(), self.task_id), self._uploaded)

    def _uploaded(self, result: Any) -> None:
        if result is not None:
            self.reload()
