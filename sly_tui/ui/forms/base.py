"""The shape every action form shares: fields, inline errors, a preview, one send.

A form is a modal. Its fields validate on submit and show their problem right under
themselves; the preview names the API method and the arguments it will be called with;
Submit is disabled while the request is in flight, so a double press sends once; a
server error appears in the form, which stays open with everything typed intact.
Subclasses only say which fields they have (`compose_fields`) and how the values become
a call (`build`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea
from textual.widgets.button import ButtonVariant
from textual.worker import Worker

from sly_tui.api import ApiError
from sly_tui.api.sentences import failure_sentence
from sly_tui.jsontext import JsonProblem, parse_json, parse_json_object
from sly_tui.text import clean, one_line
from sly_tui.ui.host import Hosted
from sly_tui.ui.keymap import eager_tab
from sly_tui.ui.targets import Call, Target
from sly_tui.ui.workers import ReportsFailedWorkers

PREVIEW_LIMIT = 2000


class Invalid(Exception):
    """A field's value is not acceptable; the message is shown under the field."""

    def __init__(self, field_id: str, message: str) -> None:
        super().__init__(message)
        self.field_id = field_id
        self.message = message


def json_value(text: str, field_id: str, *, allow_empty: bool = True) -> Any:
    """Parse JSON typed into a field; a mistake names its line and column."""
    if not text.strip():
        if allow_empty:
            return None
        raise Invalid(field_id, "Enter a JSON value.")
    try:
        return parse_json(text)
    except JsonProblem as problem:
        raise Invalid(field_id, str(problem)) from None


def json_object(text: str, field_id: str, *, required: bool = True) -> dict[str, Any]:
    """JSON typed into a field that must hold an object (`{…}`); left blank, a field that
    is not `required` gives `{}`."""
    if not text.strip():
        if required:
            raise Invalid(field_id, "Enter a JSON object.")
        return {}
    try:
        return parse_json_object(text)
    except JsonProblem as problem:
        raise Invalid(field_id, str(problem)) from None


MAX_ID_DIGITS = 18  # ids are 64-bit on the server


def whole_number(text: str, field_id: str, what: str, *, required: bool = True) -> int | None:
    """A positive id typed into a field."""
    text = text.strip()
    if not text:
        if required:
            raise Invalid(field_id, f"Enter the {what}.")
        return None
    if not text.isascii() or not text.isdigit() or not text.strip("0"):
        raise Invalid(field_id, f"The {what} is a positive whole number.")
    if len(text.lstrip("0")) > MAX_ID_DIGITS:
        raise Invalid(field_id, f"The {what} is too large.")
    return int(text)


def required_text(text: str, field_id: str, what: str) -> str:
    if not text.strip():
        raise Invalid(field_id, f"Enter the {what}.")
    return text.strip()


class Field(Vertical):
    """A label, an input widget and the place where its error appears."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 0; }
    Field > .field--label { color: $text-muted; height: 1; }
    Field > .field--error { color: $error; height: auto; display: none; }
    Field.-invalid > .field--error { display: block; }
    Field.-invalid > Input, Field.-invalid > TextArea { border: tall $error; }
    Field > TextArea { height: 6; }
    """

    def __init__(self, label: str, widget: Widget, *, hint: str = "") -> None:
        super().__init__(id=f"field-{widget.id}" if widget.id else None)
        self.label = label + (f"  ({hint})" if hint else "")
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield Label(Text(self.label), classes="field--label")
        yield self.widget
        yield Static("", classes="field--error")

    def show_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-invalid")
        self.query_one(".field--error", Static).update(Text(one_line(message or "")))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self) -> None:
        """A problem shown under a field goes once the field is changed."""
        if self.has_class("-invalid"):
            self.show_error(None)


class FormModal(ReportsFailedWorkers, Hosted, ModalScreen[Any]):
    """Base of every action form."""

    TITLE: ClassVar[str] = "Action"
    SUBMIT_LABEL: ClassVar[str] = "Send"
    SUBMIT_VARIANT: ClassVar[ButtonVariant] = "primary"
    # Forms that read something back (data fields, app requests) stay open after success
    # and show the answer with `show_result`; the others close.
    STAYS_OPEN: ClassVar[bool] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+j", "submit", "Send", id="form.submit", show=False),
        *eager_tab("form"),  # a value, Tab and the next value may arrive in one read
    ]

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > #form {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1; overflow-y: auto;
    }
    FormModal #form-title { text-style: bold; height: 1; margin-bottom: 1; dock: top; }
    FormModal #form-fields { height: auto; }
    FormModal #form-footer { height: auto; dock: bottom; }
    FormModal #form-preview { color: $text-muted; height: auto; max-height: 8; margin-top: 1; }
    FormModal #form-error { color: $error; height: auto; }
    FormModal #form-buttons { height: 3; align-horizontal: right; }
    FormModal #form-buttons Button { margin-left: 1; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.heading = self.TITLE
        self.sending = False
        self.sent = 0  # requests actually sent (a double press must not make this 2)
        self._sent_from: Widget | None = None  # the field Enter was pressed in, if any

    # --- what subclasses provide ----------------------------------------------------------

    def compose_fields(self) -> Iterable[Widget]:
        """The form's `Field`s (and any explanatory text)."""
        return ()

    def build(self) -> Call:
        """Read the fields into a `Call`, or raise `Invalid` for the first bad one."""
        raise NotImplementedError

    def succeeded(self, result: Any) -> Any:
        """What the modal dismisses with after success (the call's result by default)."""
        return result

    def done_message(self, call: Call, result: Any) -> str:
        """The notification after success; forms whose answer matters add it."""
        return call.done

    def done_severity(self, result: Any) -> SeverityLevel:
        """How that notification looks; forms whose success can be partial warn then."""
        return "information"

    def show_result(self, result: Any) -> None:
        """For `STAYS_OPEN` forms: show what the server answered (below the fields)."""
        text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
        self.query_one("#form-error", Static).update(Text(clean(text)))

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.heading), id="form-title")
            with VerticalScroll(id="form-fields"):
                yield from self.compose_fields()
            # Title and footer are docked: when the fields are taller than the screen, they
            # scroll between them and the buttons stay in view.
            with Vertical(id="form-footer"):
                yield Static(id="form-preview")
                yield Static(id="form-error")
                with Horizontal(id="form-buttons"):
                    yield Button("Cancel", id="form-cancel")
                    yield Button(self.SUBMIT_LABEL, id="form-submit", variant=self.SUBMIT_VARIANT)

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        self.query_one("#form-error", Static).update(Text(sentence))

    def on_mount(self) -> None:
        self.refresh_preview()
        first = next(iter(self.query("Input, TextArea, Select, Checkbox")), None)
        if first is not None:
            first.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._show_focused)

    def _show_focused(self) -> None:
        """Bring the focused field fully into view. Textual scrolls only what lies off the
        screen, not what the docked preview and buttons cover, so a field under them (a
        module's long preview pushes them up) would be typed into unseen."""
        focused = self.focused
        if focused is None:
            return
        form = self.query_one("#form")
        field = next((w for w in focused.ancestors if isinstance(w, Field)), None)
        for widget in (field, focused):  # its label too, if it fits
            if widget is not None:
                form.scroll_to_widget(widget, animate=False, immediate=True)

    # --- values ---------------------------------------------------------------------------

    def value(self, field_id: str) -> str:
        """The text of an Input or TextArea field."""
        widget = self.query_one(f"#{field_id}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise TypeError(f"#{field_id} is not a text field")

    def choice(self, field_id: str) -> Any:
        """The value of a Select (None when nothing is chosen)."""
        value = self.query_one(f"#{field_id}", Select).value
        return None if value is Select.NULL else value

    def checked(self, field_id: str) -> bool:
        return self.query_one(f"#{field_id}", Checkbox).value

    # --- preview and errors ---------------------------------------------------------------

    def _clear_errors(self) -> None:
        for field in self.query(Field):
            field.show_error(None)
        self.query_one("#form-error", Static).update("")

    def _show_invalid(self, problem: Invalid) -> None:
        field = self.query(f"#field-{problem.field_id}").first(Field)
        field.show_error(problem.message)
        field.widget.focus()

    def refresh_preview(self) -> None:
        preview = self.query_one("#form-preview", Static)
        try:
            call = self.build()
        except Invalid:
            preview.update(Text("Preview: complete the form to see the request.", "italic"))
            return
        except Exception:  # a half-typed form must never break the preview
            preview.update("")
            return
        body = json.dumps(call.arguments, ensure_ascii=False, indent=None, default=str)
        if len(body) > PREVIEW_LIMIT:
            body = body[: PREVIEW_LIMIT - 1] + "…"
        text = Text("Will send ", "italic")
        text.append(call.rpc, "bold")
        text.append(" " + clean(body))
        preview.update(text)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.refresh_preview()
        self.call_after_refresh(self._show_focused)  # the preview may have grown over it

    # --- submit ---------------------------------------------------------------------------

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        """Close; while a request is in flight, stop waiting for it (a long deploy wait)."""
        if self.sending:
            self.workers.cancel_group(self, "form-send")
            self.app.notify(
                "Stopped waiting; the request may already have been carried out.",
                severity="warning",
            )
        self.dismiss(None)

    @on(Input.Submitted)
    def action_submit(self) -> None:
        """Enter in a field, or Ctrl+J: send from the field that has focus."""
        self._submit(self.focused)

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self) -> None:
        self._submit(None)

    def _submit(self, field: Widget | None) -> None:
        if self.sending:
            return
        self._clear_errors()
        try:
            call = self.build()
        except Invalid as problem:
            self._show_invalid(problem)
            return
        self.sending = True
        self._sent_from = field
        # Focus leaves the button before it is disabled: Textual would hand it to the next
        # button, Cancel, and a second Enter meant for Submit would cancel the request.
        self.set_focus(None)
        self.query_one("#form-submit", Button).disabled = True
        self.query_one("#form-error", Static).update(Text("Sending…", "italic"))
        self._send(call)

    def _sent(self, problem: str = "") -> None:
        """The request is over: Submit is back with `problem` shown, if any. Focus goes
        to Submit, or, in a form that stays open, back to the field Enter was pressed in,
        so the value can be edited and sent again."""
        self.sending = False
        submit = self.query_one("#form-submit", Button)
        submit.disabled = False
        field = self._sent_from
        if self.STAYS_OPEN and isinstance(field, Input | TextArea) and field.is_attached:
            field.focus(scroll_visible=False)  # it had focus a moment ago: it is in view
        else:
            submit.focus(scroll_visible=False)  # scrolling now would move it from under a click
        self.query_one("#form-error", Static).update(Text(problem))

    @work(exclusive=True, group="form-send", exit_on_error=False)
    async def _send(self, call: Call) -> None:
        client = self.sly.client
        try:
            if client is None:
                raise ApiError("Not connected to a server yet.")
            self.sent += 1
            result = await call.run(client)
        except Exception as exc:  # a bug too must show in the form, not leave it "Sending…"
            self._sent(failure_sentence(exc, self.sly.settings.token))
            return
        self.sly.action_refresh()
        if self.STAYS_OPEN:
            self._sent()
            self.show_result(result)
            return
        self.sending = False
        message = one_line(self.done_message(call, result))
        self.app.notify(message, severity=self.done_severity(result), markup=False)
        self.dismiss(self.succeeded(result))
