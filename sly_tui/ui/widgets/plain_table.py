"""A DataTable of `Text` cells whose columns are measured when the rows are set.

DataTable measures cell widths lazily, on idle, and caches rendered cells by content
only: a frame drawn between `add_row` and that idle (which happens when the table is
filled while the screen is busy, e.g. on a poll result) stays cut at the header's width
until the next update. Columns of fixed, pre-measured width avoid that, and the width
then never depends on timing, which snapshots need.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


class PlainTable(DataTable[Text]):
    """Row cursor, zebra stripes; `show(rows)` replaces every row and keeps the cursor."""

    def __init__(self, columns: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.column_spec = list(columns)  # (key, label)

    def on_mount(self) -> None:
        self.show([])

    def show(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        """Replace the rows: (row key, one cell per column)."""
        row = self.cursor_row
        self.clear(columns=True)
        for index, (key, label) in enumerate(self.column_spec):
            width = max([Text(label).cell_len, *(cells[index].cell_len for _, cells in rows)])
            self.add_column(Text(label), key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if rows:
            self.move_cursor(row=min(max(row, 0), len(rows) - 1))
