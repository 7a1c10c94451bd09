"""Send a command to the app behind a running task and show what it answers.

`tasks.request.direct` forwards the command and a JSON state to the app; the server refuses
(400) when the task is not running, and the form shows that sentence. The request is sent
once (no client retry): an app command need not be idempotent, so a retry after a failed
answer could run it twice. The form stays open, so a command can be tried again or
another one sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Static, TextArea

from sly_tui.enums import Status
from sly_tui.ui.forms.base import Field, FormModal, json_object, required_text, whole_number
from sly_tui.ui.forms.data import Answer
from sly_tui.ui.status import status_label
from sly_tui.ui.targets import Call, Target

ANSWERING = (Status.STARTED, Status.DEPLOYED)  # the statuses in which an app answers


class SendRequestModal(FormModal):
    """Command, JSON state, timeout and skip-response; the answer shows below."""

    SUBMIT_LABEL = "Send request"
    STAYS_OPEN = True

    DEFAULT_CSS = """
    SendRequestModal #request-note { color: $warning; }
    SendRequestModal #request-skip { border: none; padding: 0; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.task_info = target.task
        self.heading = f"Send a request to the app of task {self.task_info.id}"

    def compose_fields(self) -> Iterable[Widget]:
        if self.task_info.status not in ANSWERING:
            yield Static(
                Text(
                    f"The task is {status_label(self.task_info.status)}: "
                    "only a running app answers requests."
                ),
                id="request-note",
            )
        yield Field("Command", Input(placeholder="e.g. is_running", id="request-command"))
        yield Field("State", TextArea("{}", id="request-state"), hint="JSON object")
        yield Field(
            "Timeout", Input("60", id="request-timeout"), hint="seconds the app has to answer"
        )
        yield Checkbox("Skip the response (do not wait for the app)", id="request-skip")
        yield Answer(id="request-answer")

    def build(self) -> Call:
        command = required_text(self.value("request-command"), "request-command", "command")
        state = json_object(self.value("request-state"), "request-state")
        timeout = whole_number(self.value("request-timeout"), "request-timeout", "timeout")
        skip = self.checked("request-skip")
        task_id = self.task_info.id
        return Call(
            "tasks.request.direct",
            {
                "task_id": task_id,
                "method": command,
                "data": state,
                "skip_response": skip,
                "timeout": timeout,
            },
            lambda client: client.tasks.send_request(
                task_id, command, state, skip_response=skip, timeout=timeout, retries=1
            ),
        )

    def show_result(self, result: Any) -> None:
        self.query_one(Answer).show("The app answered:", result)
