"""A screen of one table that is read when it opens and again on `r`, not polled (the
agents, the failure feed): what such screens share."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.widgets import DataTable, Static
from textual.worker import Worker

from sly_tui.ui.screens.live import LiveScreen


class TableScreen(LiveScreen):
    """The table is `#{NAME}`, the line that says what is going on `#{NAME}-message`;
    rows are keyed by the id of what they show. `load()` reads it all."""

    NAME: ClassVar[str]

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(f"#{self.NAME}", DataTable)

    @property
    def message(self) -> Static:
        return self.query_one(f"#{self.NAME}-message", Static)

    @property
    def selected_id(self) -> int | None:
        """The id of the highlighted row, None when the table is empty."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def load(self) -> Worker[None]:
        """Start reading the table, in a worker."""
        raise NotImplementedError

    def action_reload(self) -> None:
        self.message.update(Text("Refreshing…"))
        self.load()

    def action_move(self, rows: int) -> None:
        """`j`/`k`, as in the task list and the log."""
        if rows > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        self.message.update(Text(f"Could not load: {sentence}"))

    def action_back(self) -> None:
        self.dismiss(None)
