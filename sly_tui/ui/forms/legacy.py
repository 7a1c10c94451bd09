"""The legacy runs of the plugin era: train, inference, DTL, deploy model, detached task.

`LegacyMenu` is a short list; choosing an entry closes the menu with that run's form,
which the screen that opened the menu opens in its place. Each form creates one task
through the matching `TaskApi` method and, like the start form, names the new task and
hands its id back, so that the screen opens its detail view.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from sly_tui.api import SlyClient
from sly_tui.ui.forms.base import Field, FormModal, Invalid, json_object, json_value, required_text
from sly_tui.ui.forms.start import AGENTS, MODELS, PROJECTS, WORKSPACES, LaunchModal
from sly_tui.ui.targets import Call, Target


@dataclass(frozen=True)
class PluginRun:
    """What tells a train run from an inference run: the `TaskApi` method and its names."""

    title: str
    method: Callable[[SlyClient], Callable[..., Awaitable[int]]]
    result_argument: str  # the method's name for the result's name
    config_argument: str  # and for the config
    result_label: str


TRAIN = PluginRun(
    "Train (legacy plugin)",
    lambda client: client.tasks.run_train,
    "result_nn_name",
    "train_config",
    "Name of the trained model",
)
INFERENCE = PluginRun(
    "Inference (legacy plugin)",
    lambda client: client.tasks.run_inference,
    "result_project_name",
    "inference_config",
    "Name of the result project",
)


class PluginRunModal(LaunchModal):
    """Train or inference (`tasks.run.plugin`): agent, input project and model, result name,
    JSON config. The model's plugin is looked up by the client, as the SDK does."""

    def __init__(self, target: Target, run: PluginRun) -> None:
        super().__init__(target)
        self.kind = run
        self.heading = run.title

    def compose_fields(self) -> Iterable[Widget]:
        yield self.choice_field(AGENTS)
        yield self.choice_field(PROJECTS, hint="of this workspace")
        yield self.choice_field(MODELS, hint="of this workspace")
        yield Field(self.kind.result_label, Input(id="result-name"))
        yield Field("Config", TextArea(id="config", soft_wrap=True), hint="JSON object; empty: {}")

    def build(self) -> Call:
        arguments: dict[str, Any] = {
            "agent_id": self.chosen(AGENTS),
            "input_project_id": self.chosen(PROJECTS),
            "input_model_id": self.chosen(MODELS),
            self.kind.result_argument: required_text(
                self.value("result-name"), "result-name", "name of the result"
            ),
            self.kind.config_argument: json_object(self.value("config"), "config", required=False),
        }
        method = self.kind.method
        return Call(
            "tasks.run.plugin",
            arguments,
            lambda client: method(client)(**arguments),
            done=f"{self.kind.title}: sent.",
        )


class DtlModal(LaunchModal):
    """`tasks.run.dtl`: a DTL graph (a JSON list of layers) run in a workspace."""

    TITLE = "DTL (legacy)"

    def compose_fields(self) -> Iterable[Widget]:
        yield self.choice_field(WORKSPACES)
        yield Field("Graph", TextArea(id="graph", soft_wrap=True), hint="JSON list of layers")
        yield self.choice_field(AGENTS, hint="optional: empty lets the server choose")

    def build(self) -> Call:
        workspace_id = self.chosen(WORKSPACES)
        graph = json_value(self.value("graph"), "graph", allow_empty=False)
        if not isinstance(graph, list):
            raise Invalid("graph", "The graph must be a JSON list of layers ([…]).")
        arguments = {
            "workspace_id": workspace_id,
            "dtl_graph": graph,
            "agent_id": self.choice(AGENTS.field_id),
        }
        return Call(
            "tasks.run.dtl",
            arguments,
            lambda client: client.tasks.run_dtl(**arguments),
            done="DTL graph sent.",
        )


class DeployModal(LaunchModal):
    """Serve a model (`tasks.run.deploy`), or find the task already serving it.

    With `wait` the form stays in its "Sending…" state until the task is `deployed`, as
    `deploy_model` does; without it the new task's id comes back at once.
    """

    SUBMIT_LABEL = "Deploy"

    def __init__(self, target: Target, *, wait: bool) -> None:
        super().__init__(target)
        self.wait = wait
        self.heading = "Deploy model (waits until deployed)" if wait else "Deploy model (async)"

    def compose_fields(self) -> Iterable[Widget]:
        yield self.choice_field(AGENTS)
        yield self.choice_field(MODELS, hint="of this workspace")

    def build(self) -> Call:
        arguments = {"agent_id": self.chosen(AGENTS), "model_id": self.chosen(MODELS)}
        if self.wait:
            return Call(
                "tasks.run.deploy, then tasks.info until deployed",
                arguments,
                lambda client: client.tasks.deploy_model(**arguments),
                done="The model is deployed.",
            )
        return Call(
            "tasks.run.deploy",
            arguments,
            lambda client: client.tasks.deploy_model_async(**arguments),
            done="Deploy sent.",
        )


class DetachedModal(LaunchModal):
    """`tasks.run.python` with `ignoreAgent`: a task no agent runs, for a script to report into."""

    TITLE = "Detached task (legacy)"
    SUBMIT_LABEL = "Create"

    def compose_fields(self) -> Iterable[Widget]:
        yield self.choice_field(WORKSPACES)

    def build(self) -> Call:
        arguments = {"workspace_id": self.chosen(WORKSPACES)}
        return Call(
            "tasks.run.python",
            arguments,
            lambda client: client.tasks.create_task_detached(**arguments),
            done="Detached task created.",
        )


# (option id, label, what it does, the form)
ENTRIES: tuple[tuple[str, str, str, Callable[[Target], FormModal]], ...] = (
    ("train", "Train", "train a model (tasks.run.plugin)", lambda t: PluginRunModal(t, TRAIN)),
    (
        "inference",
        "Inference",
        "apply a model to a project (tasks.run.plugin)",
        lambda t: PluginRunModal(t, INFERENCE),
    ),
    ("dtl", "DTL", "run a DTL graph (tasks.run.dtl)", DtlModal),
    (
        "deploy",
        "Deploy model",
        "serve a model and wait until it is deployed",
        lambda t: DeployModal(t, wait=True),
    ),
    (
        "deploy-async",
        "Deploy model (async)",
        "serve a model; returns at once",
        lambda t: DeployModal(t, wait=False),
    ),
    ("detached", "Detached task", "a task no agent runs (tasks.run.python)", DetachedModal),
)


class LegacyMenu(ModalScreen[FormModal | None]):
    """Which legacy run? Enter opens its form in place of this menu; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="legacy.cancel"),
    ]

    DEFAULT_CSS = """
    LegacyMenu { align: center middle; }
    LegacyMenu > #menu {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    LegacyMenu #menu-title { text-style: bold; height: 1; margin-bottom: 1; }
    LegacyMenu OptionList { height: auto; max-height: 100%; }
    """

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.forms = {key: make for key, _, _, make in ENTRIES}

    def compose(self) -> ComposeResult:
        with Vertical(id="menu"):
            yield Static(Text("Legacy runs"), id="menu-title")
            options = []
            for key, label, what, _ in ENTRIES:
                text = Text(label, "bold")
                text.append(f"  {what}", "dim")
                options.append(Option(text, id=key))
            yield OptionList(*options, id="legacy-runs")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        """The chosen form goes to the screen that opened the menu, which opens it."""
        self.dismiss(self.forms[event.option_id or ""](self.target))

    def action_cancel(self) -> None:
        self.dismiss(None)
