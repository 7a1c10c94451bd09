"""Start an app session on an agent (`tasks.run.app`), and what every task-creating form shares.

`LaunchModal` is the base of the forms that create a task (this one and the legacy runs):
its choice fields (agent, workspace, project, model) are filled from the server in workers
after the form opens, a list that fails to load says why next to its field instead of
crashing the form, and success names the new task and dismisses with its id (`Launched`):
the screen that opened the form opens its detail view.

`StartAppModal` adds a searchable module picker and start parameters pre-filled from the
module's `modalTemplateState`, without ever overwriting what the user has typed.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from sly_tui.api import Agent, ApiError, Module, SlyClient, StartedTask
from sly_tui.enums import AgentStatus, RestartPolicy
from sly_tui.jsontext import editable_json
from sly_tui.text import one_line
from sly_tui.ui.forms.base import Field, FormModal, Invalid, json_object
from sly_tui.ui.targets import Call, Launched, Target

LOG_LEVELS = ("info", "debug", "trace")  # what `tasks.run.app` accepts


def named(item: Any) -> Text:
    """`name (id N)`, for Select options of workspaces, projects, models."""
    return Text(one_line(f"{item.name or '—'} (id {item.id})"))


def agent_label(agent: Agent) -> Text:
    """Name, id and status; a waiting agent is marked, since its tasks will only queue."""
    label = Text(one_line(f"{agent.name or '—'} (id {agent.id}) "))
    if agent.status == AgentStatus.WAITING:
        label.append("(waiting)", "italic")
    else:
        label.append(one_line(str(agent.status or "status unknown")))
    return label


@dataclass(frozen=True)
class Choices:
    """A Select whose options are a list fetched from the server."""

    field_id: str
    label: str
    noun: str  # for "Choose the …" and "Loading …s"
    fetch: Callable[[SlyClient, Target], Awaitable[Sequence[Any]]]
    describe: Callable[[Any], Text] = named
    preferred: Callable[[Target], int | None] = lambda _: None


def team_of(target: Target) -> int:
    if target.team_id is None:
        raise ApiError("No team is open.")
    return target.team_id


def workspace_of(target: Target) -> int:
    if target.workspace_id is None:
        raise ApiError("No workspace is open.")
    return target.workspace_id


AGENTS = Choices(
    "agent",
    "Agent",
    "agent",
    lambda client, target: client.agents.get_list(team_of(target)),
    agent_label,
    lambda target: target.agent_id,
)
WORKSPACES = Choices(
    "workspace",
    "Workspace",
    "workspace",
    lambda client, target: client.workspaces.get_list(team_of(target)),
    preferred=lambda target: target.workspace_id,
)
PROJECTS = Choices(
    "project",
    "Project",
    "project",
    lambda client, target: client.projects.get_list(workspace_of(target)),
)
MODELS = Choices(
    "model",
    "Model",
    "model",
    lambda client, target: client.models.get_list(workspace_of(target)),
)


class LaunchModal(FormModal):
    """A form that creates a task: server-filled choices, then the new task's detail view."""

    SUBMIT_LABEL = "Start"

    # The preview of a long params object must leave room for the fields at 80x24.
    DEFAULT_CSS = """
    LaunchModal #form-preview { max-height: 4; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self._choices: list[Choices] = []
        self.lists_loading: set[str] = set()  # ids of the fields whose list has not arrived yet
        self._load_errors: dict[str, str] = {}

    def choice_field(self, choices: Choices, *, hint: str = "") -> Field:
        """A Select for `choices`, filled from the server once the form is mounted."""
        self._choices.append(choices)
        self.lists_loading.add(choices.field_id)
        select: Select[int] = Select([], id=choices.field_id, prompt=f"Loading {choices.noun}s…")
        return Field(choices.label, select, hint=hint)

    def on_mount(self) -> None:
        for choices in self._choices:
            # Named after its field, where `show_worker_failure` puts an unexpected error.
            self.run_worker(self._fill(choices), name=choices.field_id, exit_on_error=False)

    async def _fill(self, choices: Choices) -> None:
        select = self.query_one(f"#{choices.field_id}", Select)
        try:
            items = await choices.fetch(self.connected(), self.target)
        except ApiError as exc:
            problem = f"Could not load the {choices.noun}s: {exc.sentence}"
            self.list_failed(choices.field_id, problem)
            select.prompt = f"No {choices.noun}s (the list failed to load)"
            return
        wanted = self.choice(choices.field_id) or choices.preferred(self.target)
        select.set_options([(choices.describe(item), item.id) for item in items])
        select.prompt = f"Choose the {choices.noun}" if items else f"No {choices.noun}s here"
        if any(item.id == wanted for item in items):
            select.value = wanted
        self.lists_loading.discard(choices.field_id)

    def connected(self) -> SlyClient:
        client = self.sly.client
        if client is None:
            raise ApiError("Not connected to a server yet.")
        return client

    def list_failed(self, field_id: str, problem: str) -> None:
        """Say next to the field why its list is empty (and again if the form is sent)."""
        self.lists_loading.discard(field_id)
        self._load_errors[field_id] = problem
        self.query_one(f"#field-{field_id}", Field).show_error(problem)

    def show_worker_failure(self, worker: Worker[Any], sentence: str) -> None:
        if worker.name in self.lists_loading:  # a list worker: see `on_mount`
            self.list_failed(worker.name, f"Could not load the list: {sentence}")
        else:
            super().show_worker_failure(worker, sentence)

    def missing(self, field_id: str, noun: str) -> Invalid:
        """Why a list field has nothing chosen."""
        if field_id in self._load_errors:
            return Invalid(field_id, self._load_errors[field_id])
        if field_id in self.lists_loading:
            return Invalid(field_id, f"The {noun}s are still loading.")
        return Invalid(field_id, f"Choose the {noun}.")

    def chosen(self, choices: Choices) -> int:
        """The id chosen in a required choice field."""
        value = self.choice(choices.field_id)
        if value is None:
            raise self.missing(choices.field_id, choices.noun)
        return int(value)

    def new_task_id(self, result: Any) -> int:
        """The id of the task the call created (the legacy starters return just the id)."""
        return int(result)

    def done_message(self, call: Call, result: Any) -> str:
        return f"{call.done} New task {self.new_task_id(result)}: opening it."

    def succeeded(self, result: Any) -> Launched:
        return Launched(self.new_task_id(result))


class ModulePicker(Vertical):
    """A filter Input over an OptionList of modules; the highlighted module is the chosen one.

    Typing narrows the list by name or slug and highlights the first match; up/down move
    through it without leaving the filter; Enter in the filter moves on instead of
    submitting the whole form. Nothing is chosen until the user filters or moves.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    DEFAULT_CSS = """
    ModulePicker { height: auto; }
    ModulePicker > OptionList { height: 6; }
    """

    class Chosen(Message):
        """The chosen module changed (None: nothing matches the filter)."""

        def __init__(self, module: Module | None) -> None:
            super().__init__()
            self.module = module

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.modules: dict[str, Module] = {}
        self.module: Module | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Loading modules…", id=f"{self.id}-filter")
        yield OptionList(id=f"{self.id}-list")

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the picker (e.g. to show its error) focuses its filter."""
        self.query_one(Input).focus(scroll_visible)
        return self

    def set_modules(self, modules: Iterable[Module]) -> None:
        self.modules = {f"module-{module.id}": module for module in modules}
        self.query_one(Input).placeholder = "Type to filter by name or slug"
        self._show(self.query_one(Input).value)

    def _show(self, text: str) -> None:
        """List the modules matching `text`, keeping the chosen one if it still matches."""
        needle = text.strip().casefold()
        options = self.query_one(OptionList)
        options.clear_options()
        for key, module in self.modules.items():
            name, slug = one_line(module.name or "—"), one_line(module.slug or "")
            if needle in name.casefold() or needle in slug.casefold():
                label = Text(name, "bold")
                label.append(f"  {slug}", "dim")
                options.add_option(Option(label, id=key))
        keys = [options.get_option_at_index(i).id for i in range(options.option_count)]
        current = f"module-{self.module.id}" if self.module else None
        if current in keys:
            options.highlighted = keys.index(current)
        elif keys and needle:  # typing a filter picks its best match
            options.highlighted = 0
        else:  # nothing is chosen for the user without a hint from them
            self._choose(None)
        options.scroll_to_highlight()

    def _choose(self, module: Module | None) -> None:
        if module is not self.module:
            self.module = module
            self.post_message(self.Chosen(module))

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        event.stop()  # the filter is not part of the request: no preview refresh for it
        self._show(event.value)

    @on(Input.Submitted)
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()  # Enter here picks the highlighted module; it does not send the form
        self.screen.focus_next()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._choose(self.modules.get(event.option_id or ""))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.screen.focus_next()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            index = 0 if options.highlighted is None else options.highlighted + step
            options.highlighted = max(0, min(options.option_count - 1, index))


class StartAppModal(LaunchModal):
    """`tasks.run.app`: agent, module, workspace, start params and session options."""

    TITLE = "Start app"

    DEFAULT_CSS = """
    StartAppModal .pair { height: auto; }
    StartAppModal .pair > Field { width: 1fr; }
    StartAppModal .pair > Field:first-child { margin-right: 1; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.module_info: Module | None = None  # the chosen module as `ecosystem.info` tells
        self._prefilled = ""  # the params text we wrote; the user's own text is never replaced
        self.lists_loading.add("module")

    def compose_fields(self) -> Iterable[Widget]:
        yield self.choice_field(AGENTS)
        yield Field("Module", ModulePicker(id="module"))
        yield self.choice_field(WORKSPACES)
        yield Field(
            "Params",
            TextArea(id="params", soft_wrap=True),
            hint="JSON object; pre-filled from the module's modalTemplateState",
        )
        with Horizontal(classes="pair"):
            yield Field("Task name", Input(id="task-name", placeholder="the module's name"))
            yield Field("Description", Input(id="description", placeholder="optional"))
        with Horizontal(classes="pair"):
            yield Field(
                "Log level",
                Select(
                    [(Text(level), level) for level in LOG_LEVELS],
                    id="log-level",
                    value="info",
                    allow_blank=False,
                ),
            )
            yield Field(
                "Restart policy",
                Select(
                    [(Text(str(policy)), str(policy)) for policy in RestartPolicy],
                    id="restart-policy",
                    value=str(RestartPolicy.NEVER),
                    allow_blank=False,
                ),
            )
        with Horizontal(classes="pair"):
            yield Field("App version", Input(id="app-version", placeholder="latest"))
            yield Field("", Checkbox("Version is a branch", id="is-branch"))
        yield Field(
            "Users", Input(id="users", placeholder="e.g. 3, 4"), hint="comma-separated user ids"
        )

    def on_mount(self) -> None:
        self._load_modules()

    # --- the module, and what it pre-fills ------------------------------------------------

    @work(exclusive=True, group="modules", name="module", exit_on_error=False)
    async def _load_modules(self) -> None:
        picker = self.query_one(ModulePicker)
        try:
            modules = await self.connected().ecosystem.get_list()
        except ApiError as exc:
            self.list_failed("module", f"Could not load the modules: {exc.sentence}")
            picker.query_one(Input).placeholder = "No modules (the list failed to load)"
            return
        picker.set_modules(sorted(modules, key=lambda m: (m.name or "").casefold()))
        self.lists_loading.discard("module")

    @on(ModulePicker.Chosen)
    def _module_chosen(self, event: ModulePicker.Chosen) -> None:
        self.module_info = None
        self.query_one("#app-version", Input).placeholder = "latest"
        self.refresh_preview()
        if event.module is not None:
            self._load_module_info(event.module)

    @work(exclusive=True, group="module-info", exit_on_error=False)
    async def _load_module_info(self, module: Module) -> None:
        """`ecosystem.info` for the latest version and the start state (the list's copy of
        the module may be a summary); a failure leaves the fields as they are."""
        try:
            info = await self.connected().ecosystem.get_info(module.id)
        except ApiError as exc:
            self.notify(f"Module {module.id}: {exc.sentence}", title="Module details", markup=False)
            info = module
        if self.query_one(ModulePicker).module is not module:
            return  # the user moved on while this was loading
        self.module_info = info
        if info.latest_version:
            self.query_one("#app-version", Input).placeholder = one_line(
                f"latest: {info.latest_version}"
            )
        params = self.query_one("#params", TextArea)
        if params.text in ("", self._prefilled):
            state = info.config.get("modalTemplateState")
            self._prefilled = editable_json({"state": state if isinstance(state, dict) else {}})
            params.load_text(self._prefilled)

    # --- the call -------------------------------------------------------------------------

    def build(self) -> Call:
        agent_id = self.chosen(AGENTS)
        module = self.query_one(ModulePicker).module
        if module is None:
            raise self.missing("module", "module")
        workspace_id = self.chosen(WORKSPACES)
        params = json_object(self.value("params"), "params", required=False) or {"state": {}}
        arguments: dict[str, Any] = {
            "agent_id": agent_id,
            "module_id": module.id,
            "workspace_id": workspace_id,
            "params": params,
            "task_name": self.value("task-name").strip()
            or one_line(module.name or module.slug or ""),
            "description": self.value("description").strip(),
            "log_level": self.choice("log-level"),
            "app_version": self.value("app-version").strip(),
            "is_branch": self.checked("is-branch"),
            "restart_policy": self.choice("restart-policy"),
            "users_ids": user_ids(self.value("users")),
        }
        return Call(
            "tasks.run.app",
            arguments,
            lambda client: client.tasks.start(**arguments),
            done=f"Started {arguments['task_name']}.",
        )

    def new_task_id(self, result: Any) -> int:
        started: StartedTask = result
        return started.id


def user_ids(text: str) -> list[int]:
    """`3, 4 5` → [3, 4, 5]; anything that is not a positive whole number is `Invalid`."""
    ids = []
    for token in re.split(r"[,\s]+", text.strip()):
        if not token:
            continue
        if not token.isascii() or not token.isdigit() or int(token) <= 0:
            raise Invalid("users", f"{token!r} is not a user id: ids are positive whole numbers.")
        ids.append(int(token))
    return ids
