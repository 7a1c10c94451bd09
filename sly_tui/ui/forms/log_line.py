"""Add a line to a task's log (`tasks.logs.add`), e.g. an operator's note.

The entry carries the task id, level, message and a timestamp from the app's clock (UTC,
milliseconds, `Z`, as the server writes them), so it lands in order among the app's own
lines and the live log shows it on the next poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, Select

from sly_tui.enums import LogLevel
from sly_tui.ui.forms.base import Field, FormModal, required_text
from sly_tui.ui.targets import Call, Target

# The levels in the order people reach for them; the SDK's spelling (`warn`, not `warning`).
LEVELS = (
    LogLevel.INFO,
    LogLevel.WARN,
    LogLevel.ERROR,
    LogLevel.DEBUG,
    LogLevel.TRACE,
    LogLevel.FATAL,
)


class LogLineModal(FormModal):
    """A message and its level."""

    SUBMIT_LABEL = "Add line"

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.task_id = target.task.id
        self.heading = f"Add a line to the log of task {self.task_id}"

    def compose_fields(self) -> Iterable[Widget]:
        yield Field("Message", Input(placeholder="e.g. restarted by hand", id="log-message"))
        levels = [(Text(str(level)), str(level)) for level in LEVELS]
        yield Field("Level", Select(levels, allow_blank=False, id="log-level"))

    def build(self) -> Call:
        message = required_text(self.value("log-message"), "log-message", "message")
        stamp = self.sly.now().astimezone(UTC).isoformat(timespec="milliseconds")
        entry = {
            "task_id": self.task_id,
            "level": self.choice("log-level"),
            "message": message,
            "timestamp": stamp.replace("+00:00", "Z"),
        }
        return Call(
            "tasks.logs.add",
            {"logs": [entry]},
            lambda client: client.tasks.submit_logs([entry], retries=1),
            done=f"Line added to the log of task {self.task_id}.",
        )
