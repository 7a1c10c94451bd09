"""Upload local files to a task, or a DTL archive, from paths typed or picked in a tree.

Both are ordinary action forms: every path is checked (exists, is a file, readable)
before anything is sent, a failure shows in the form with the fields intact, and Cancel
(or Escape) during the upload stops it. Files go one `upload_files` call each, so the bar
moves file by file and a failure names the file it stopped at; the archive is a single
request, so its bar only says that it is on its way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, ProgressBar, Static, TextArea

from sly_tui.api import ApiError, SlyClient
from sly_tui.api.sentences import failure_sentence
from sly_tui.text import one_line
from sly_tui.ui.forms.base import Field, FormModal, Invalid
from sly_tui.ui.targets import Call, Target
from sly_tui.ui.widgets.path_picker import PathPicker, local_path
from sly_tui.ui.widgets.sizes import human_size


def readable_file(text: str, field_id: str) -> Path:
    """The absolute path of a file that can be read, or `Invalid` saying why not."""
    shown = one_line(text.strip())
    if not shown:
        raise Invalid(field_id, "Enter a file path.")
    path = local_path(text)
    if not path.exists():
        raise Invalid(field_id, f"{shown}: no such file.")
    if not path.is_file():
        raise Invalid(field_id, f"{shown}: not a file.")
    if not os.access(path, os.R_OK):
        raise Invalid(field_id, f"{shown}: not readable.")
    return path


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class UploadModal(FormModal):
    """What both uploads share: the tree to pick from and the progress of the sending."""

    DEFAULT_CSS = """
    UploadModal #upload-progress-box { height: auto; display: none; margin-bottom: 1; }
    UploadModal #upload-progress-box.-sending { display: block; }
    UploadModal #upload-progress-box ProgressBar Bar { width: 1fr; }
    UploadModal #upload-progress-box ProgressBar { width: 100%; }
    """

    def __init__(self, target: Target, task_id: int) -> None:
        super().__init__(target)
        self.task_id = task_id

    def compose_progress(self) -> Widget:
        return Vertical(
            Static(id="upload-progress-label"),
            ProgressBar(id="upload-progress", show_eta=False),
            id="upload-progress-box",
        )

    def compose_picker(self) -> Widget:
        return PathPicker(Path.cwd(), id="upload-picker")

    def picked(self, path: Path) -> None:
        """A file was chosen in the tree."""

    @on(PathPicker.Picked)
    def _picked(self, event: PathPicker.Picked) -> None:
        if not event.is_dir:
            self.picked(event.path)

    def progress(self, label: str, *, total: float | None, done: float = 0) -> None:
        box = self.query_one("#upload-progress-box")
        box.add_class("-sending")
        self.query_one("#upload-progress-label", Static).update(Text(one_line(label)))
        self.query_one("#upload-progress", ProgressBar).update(total=total, progress=done)


class UploadFilesModal(UploadModal):
    """Files, one path a line, and optionally the names they get on the server."""

    SUBMIT_LABEL = "Upload"

    DEFAULT_CSS = """
    UploadFilesModal #upload-paths, UploadFilesModal #upload-names { height: 4; }
    """

    def __init__(self, target: Target, task_id: int) -> None:
        super().__init__(target, task_id)
        self.heading = f"Upload files to task {task_id}"

    def compose_fields(self) -> Iterable[Widget]:
        yield self.compose_progress()
        yield Field(
            "Files",
            TextArea(id="upload-paths"),
            hint="one path a line; Enter on a file in the tree below adds it",
        )
        yield self.compose_picker()
        yield Field(
            "Names on the server",
            TextArea(id="upload-names"),
            hint="one a line, in the same order; empty: the file names",
        )

    def picked(self, path: Path) -> None:
        area = self.query_one("#upload-paths", TextArea)
        lines = _lines(area.text)
        if str(path) not in lines:
            area.text = "\n".join([*lines, str(path)]) + "\n"

    def build(self) -> Call:
        lines = _lines(self.value("upload-paths"))
        if not lines:
            raise Invalid("upload-paths", "Enter at least one file path.")
        paths = [readable_file(line, "upload-paths") for line in lines]
        names = _lines(self.value("upload-names")) or [path.name for path in paths]
        if len(names) != len(paths):
            raise Invalid(
                "upload-names",
                f"{len(names)} names for {len(paths)} files: give one name a file, or none.",
            )
        sizes = [path.stat().st_size for path in paths]
        task_id = self.task_id
        return Call(
            "tasks.files.bulk.upload",
            {"task_id": task_id, "abs_paths": [str(p) for p in paths], "names": names},
            lambda client: self._upload(client, paths, names, sizes),
        )

    async def _upload(
        self, client: SlyClient, paths: list[Path], names: list[str], sizes: list[int]
    ) -> int:
        total, done = sum(sizes), 0
        for index, (path, name, size) in enumerate(zip(paths, names, sizes, strict=True)):
            label = f"Uploading {name} ({index + 1} of {len(paths)})…"
            self.progress(label, total=total, done=done)
            try:
                await client.tasks.upload_files(self.task_id, [str(path)], [name])
            except (ApiError, OSError) as exc:
                why = failure_sentence(exc, self.sly.settings.token).removesuffix(".")
                sent = f"; {index} uploaded before it" if index else ""
                raise ApiError(f"Uploading {name} failed: {why}{sent}.") from exc
            done += size
        self.progress(f"Uploaded {len(paths)} files.", total=total or 1, done=total or 1)
        return len(paths)

    def done_message(self, call: Call, result: Any) -> str:
        return f"Uploaded {result} file{'' if result == 1 else 's'} to task {self.task_id}."


class UploadArchiveModal(UploadModal):
    """One archive, sent with `tasks.upload.dtl_archive`."""

    SUBMIT_LABEL = "Upload"

    def __init__(self, target: Target, task_id: int) -> None:
        super().__init__(target, task_id)
        self.heading = f"Upload a DTL archive to task {task_id}"

    def compose_fields(self) -> Iterable[Widget]:
        yield self.compose_progress()
        yield Field(
            "Archive", Input(id="archive-path"), hint="a .tar file; Enter on a file below picks it"
        )
        yield self.compose_picker()

    def picked(self, path: Path) -> None:
        self.query_one("#archive-path", Input).value = str(path)

    def build(self) -> Call:
        path = readable_file(self.value("archive-path"), "archive-path")
        size = path.stat().st_size
        task_id = self.task_id
        return Call(
            "tasks.upload.dtl_archive",
            {"task_id": task_id, "archive_path": str(path)},
            lambda client: self._upload(client, path, size),
        )

    async def _upload(self, client: SlyClient, path: Path, size: int) -> str:
        self.progress(f"Uploading {path.name} ({human_size(size)})…", total=None)
        try:
            await client.tasks.upload_dtl_archive(self.task_id, str(path))
        except OSError as exc:
            raise ApiError(f"Cannot read {path.name}: {exc.strerror or exc}") from exc
        return path.name

    def done_message(self, call: Call, result: Any) -> str:
        return f"Uploaded {result} to task {self.task_id} as its DTL archive."
