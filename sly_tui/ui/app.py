"""The sly-tui Textual app: connects, picks a workspace, and hosts the screens.

The app owns the client and the polling service; screens subscribe to topics and receive
`MonitorEvent` messages. Nothing here lets an exception out: a failure to connect or to
poll becomes a line in the status bar and a retry, because an ops screen left open for
days must outlive every outage of the server it watches.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import os
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from sly_tui.api import (
    ApiError,
    AuthError,
    PermissionDenied,
    RetryPolicy,
    SlyClient,
    TaskInfo,
    Team,
    User,
    Workspace,
)
from sly_tui.api.early import EarlyReplies
from sly_tui.api.sentences import failure_sentence
from sly_tui.config import ConfigError, Flags, Settings, resolve, response_limit
from sly_tui.monitor.events import ConnectionState, Phase, TaskEnded, TaskGone, TasksChanged
from sly_tui.monitor.health import backoff_delay
from sly_tui.monitor.opening import DASHBOARD_TIMEOUT, Start, start_ids
from sly_tui.monitor.service import DEFAULT_INTERVAL, Monitor
from sly_tui.monitor.task_detail import TaskDetailTopic
from sly_tui.monitor.task_list import HeadStart, TaskListTopic
from sly_tui.monitor.watch import WatchTopic
from sly_tui.notify import TITLE, NotifySettings, ending_sentence, terminal_text
from sly_tui.present import task_name
from sly_tui.secrets import create_private
from sly_tui.state import (
    load_profile_selection,
    load_theme,
    load_watched,
    save_profile_selection,
    save_selection,
    save_theme,
    save_watched,
)
from sly_tui.text import one_line
from sly_tui.ui import partial_updates
from sly_tui.ui.host import Scope, Selection
from sly_tui.ui.messages import ConnectionChanged, MonitorEvent, WatchesChanged
from sly_tui.ui.status import STATUS_COLOURS, STATUS_COLOURS_LIGHT
from sly_tui.ui.widgets.key_footer import KeyFooter
from sly_tui.ui.widgets.status_bar import Place, StatusBar
from sly_tui.ui.workers import ReportsFailedWorkers

if TYPE_CHECKING:
    from sly_tui.monitor.log_spool import LogSpool


def _tasks_named(tasks: tuple[TaskInfo, ...]) -> str:
    return f"task {tasks[0].id}" if len(tasks) == 1 else f"{len(tasks)} tasks"


def instance_key(server: str, me: User) -> str:
    """What tells one Supervisely instance from another at the same address (an SSH tunnel
    to another box, a reinstall): the address, and our account there as the server knows
    it, whose creation time no other instance shares. Logs are cached under it, so task
    1234 of one instance never shows the lines of task 1234 of another."""
    created = me.created_at.isoformat() if me.created_at else me.raw.get("createdAt", "")
    return "\0".join((server, str(me.id), str(created)))


# The dashboard backs off by itself and shows it; the client only retries a blip, and a
# longer Retry-After goes to the polling service, which counts it down on screen.
DASHBOARD_RETRY = RetryPolicy(retries=2, sleep=0.5, cap=2.0, patience=2.0)
KEPT_TASKS = 16  # detail topics (and open log spools) kept for quick reopening
INTERVAL_STEPS = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0)
Names = tuple[Team | None, Workspace | None]  # the infos of the team and workspace to open


class SlyApp(ReportsFailedWorkers, App[str]):
    """The dashboard."""

    TITLE = "sly-tui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("p", "toggle_pause", "Pause", id="app.pause"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("plus,equals_sign", "interval(1)", "Slower", show=False, id="app.slower"),
        Binding("minus", "interval(-1)", "Faster", show=False, id="app.faster"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("A", "agents", "Agents", show=False, id="app.agents"),
        Binding("P", "profiles", "Switch profile", show=False, id="app.profile"),
        Binding("F", "failures", "Failures", show=False, id="app.failures"),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        interval: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        cache_dir: Path | None = None,
        demo_label: str | None = None,
        remember: bool = True,
        clock: Callable[[], datetime] | None = None,
        theme: str | None = None,
        early: EarlyReplies | None = None,
    ) -> None:
        super().__init__()
        partial_updates.install()  # a ticking cell costs its own width on the terminal
        self.settings = settings
        self.read_only = settings.read_only
        self.place = Place(
            server=demo_label or settings.server or "", profile=settings.profile or ""
        )
        self.connection_state = ConnectionState(Phase.CONNECTING)
        self.client: SlyClient | None = None
        self.monitor: Monitor | None = None
        self.selection: Selection | None = None
        self.user_login: str | None = None
        self.user_id: int | None = None
        self.watch_topic = WatchTopic()  # the tasks whose ending is told (`W`), per connection
        self._unwatched: set[int] = set()  # tasks of mine the user unwatched: not again
        self._interval = interval or DEFAULT_INTERVAL
        self._transport = transport
        self._early = early  # the opening calls, sent while this app was being imported
        self._remember = remember
        self.now: Callable[[], datetime] = clock or self._server_now
        self._temp_cache: tempfile.TemporaryDirectory[str] | None = None
        self._cache_dir = cache_dir
        self._instance = settings.server or "none"  # until `connect` knows who answers
        self._detail_topics: OrderedDict[int, TaskDetailTopic[LogSpool]] = OrderedDict()
        self._told_in_memory = False
        self._collected_after_load = False
        self.warnings: list[str] = list(settings.warnings)
        self.closing = False
        self._choose_theme(theme)
        self._apply_keymap()

    def _apply_keymap(self) -> None:
        """The config's `[keymap]`, checked (mistakes become warnings, the rest applies)."""
        from sly_tui.ui.keymap import check_keymap

        wanted = self.settings.config.keymap if self.settings.config else {}
        keymap, problems = check_keymap(wanted)
        self.warnings.extend(problems)
        if keymap:
            self.set_keymap(keymap)

    def _choose_theme(self, wanted: str | None) -> None:
        """Register the shipped and the user's themes; pick --theme, else the last one used,
        else the config's `[ui] theme`, else the default."""
        from sly_tui.config import config_dir
        from sly_tui.ui.themes import DEFAULT_THEME, builtin_theme_dir, load_themes

        themes, problems = load_themes([builtin_theme_dir(), config_dir() / "themes"])
        self.warnings.extend(problems)
        for theme in themes:
            self.register_theme(theme)
        configured = self.settings.config.ui.theme if self.settings.config else None
        remembered = load_theme()
        for name in (wanted, remembered, configured):
            if not isinstance(name, str):
                continue
            if name in self.available_themes:
                self.theme = name
                return
            self.warnings.append(
                f"No theme named {name!r}; available: {', '.join(sorted(self.available_themes))}."
            )
        if DEFAULT_THEME in self.available_themes:
            self.theme = DEFAULT_THEME

    def _server_now(self) -> datetime:
        """Now by the server's clock, which is what its task times are measured with."""
        return self.client.server_clock.now() if self.client else datetime.now(UTC)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Status colours for themes that set none: pale ones would vanish on a light theme."""
        colours = STATUS_COLOURS if self.current_theme.dark else STATUS_COLOURS_LIGHT
        return {**super().get_theme_variable_defaults(), **colours}

    def exit(
        self, result: str | None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        self.closing = True
        super().exit(result, return_code, message)

    def action_help_quit(self) -> None:
        """Ctrl+C quits, as in any terminal program (Textual only says how to quit). With
        text selected it still copies: the field's and the screen's bindings come first."""
        self.exit()

    async def on_event(self, event: events.Event) -> None:
        """Keys and clicks that arrive after `q` (type-ahead, a paste) are dropped: a screen
        opened while the app shuts down would never finish mounting."""
        if self.closing and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)

    # --- connecting -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The base screen: what shows while connecting (every other screen covers it)."""
        yield StatusBar()
        yield Static(Text(f"Connecting to {self.place.server}…"), id="startup")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.settings.has_credentials:
            self.connect(self.settings)
        else:
            from sly_tui.ui.screens.connect import ConnectScreen

            self.push_screen(ConnectScreen(self.settings))
        for warning in self.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=10)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def make_client(self, settings: Settings) -> SlyClient:
        assert settings.server is not None
        early, self._early = self._early, None  # the first client's only
        return SlyClient(
            settings.server,
            settings.token.reveal() if settings.token else None,
            api_server_address=settings.api_server_address,
            retry=DASHBOARD_RETRY,
            transport=self._transport,
            timeout=DASHBOARD_TIMEOUT,
            read_only=settings.read_only,
            max_response_bytes=response_limit(os.environ),
            early=early,
        )

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self, settings: Settings) -> None:
        """Reach the server (retrying with backoff), then open the workspace.

        A failure no retry can fix (a refused token, an unusable address, a bug) goes back
        to the connect screen with its reason, so "Connecting…" never stays up for good.
        """
        self.settings = settings
        self.read_only = settings.read_only
        client: SlyClient | None = None
        head_start: HeadStart | None = None
        start = start_ids(settings, remember=self._remember)
        try:
            client = self.make_client(settings)
            # The start workspace's names and its first page of tasks are asked for along
            # with users.me: the first rows show one round trip after start instead of
            # three. From `sly-tui` these four calls went out while the app was still
            # being imported (`opening_calls`), and their replies are most likely in.
            if start is not None:
                head_start = HeadStart(client, start[1])
            me, names = await asyncio.gather(
                self._reach(client), self._names(client, start), return_exceptions=True
            )
            if isinstance(me, BaseException):
                raise me
        except Exception as exc:
            if head_start is not None:
                head_start.cancel()
            if client is not None:
                await client.aclose()
            self._show_connect(settings, failure_sentence(exc, settings.token))
            return
        self.client = client
        self.user_login = me.login
        self.user_id = me.id
        self._instance = instance_key(settings.server or "", me)
        self.place = replace(self.place, user=me.login or me.name or "", team="", workspace="")
        self.monitor = Monitor(client, interval=self._interval, on_state=self._post_state)
        self._start_watching(settings)
        self._set_state(ConnectionState(Phase.LIVE, last_ok=time.monotonic()))
        await self.open_start_screen(start, names, head_start)

    async def _reach(self, client: SlyClient) -> User:
        """`users.me`, retried with backoff (shown on screen) while no answer comes."""
        failures = 0
        while True:
            try:
                return await client.users.get_my_info()
            except (AuthError, PermissionDenied):
                raise
            except ApiError as exc:
                failures += 1
                delay = backoff_delay(failures)
                self.query_one("#startup", Static).update(
                    Text(
                        f"{failure_sentence(exc)}\nRetrying in {delay:g} s. Check the address, the "
                        "network (VPN, SSH tunnel) or the server; q quits; "
                        "sly-tui --demo shows a simulated instance."
                    )
                )
                self._set_state(
                    ConnectionState(
                        Phase.DISCONNECTED,
                        retry_at=time.monotonic() + delay,
                        error=failure_sentence(exc),
                        failures=failures,
                    )
                )
                await asyncio.sleep(delay)

    @staticmethod
    async def _names(client: SlyClient, start: Start | None) -> Names | None:
        """The team and workspace of `start` (both asked at once when the team is known;
        None where not found); no team: the workspace's own."""
        if start is None:
            return None
        team_id, workspace_id = start
        if team_id is not None:
            team, workspace = await asyncio.gather(
                client.teams.get_info_by_id(team_id),
                client.workspaces.get_info_by_id(workspace_id),
            )
            return team, workspace
        workspace = await client.workspaces.get_info_by_id(workspace_id)
        team_id = workspace.team_id if workspace is not None else None
        return (None if team_id is None else await client.teams.get_info_by_id(team_id)), workspace

    async def open_start_screen(
        self,
        start: Start | None,
        names: Names | BaseException | None,
        head_start: HeadStart | None = None,
    ) -> None:
        """The start workspace with its names (and the first sweep of its list, under way),
        else the picker."""
        if start is None:
            self.pick_workspace()
            return
        if not isinstance(names, tuple):
            # Asked along with users.me, maybe while the server was down or starting:
            # once more, now that it answers (and the list's first page with it: the one
            # asked for then most likely failed too).
            assert self.client is not None
            if head_start is not None:
                head_start.cancel()
                head_start = None
            try:
                names = await self._names(self.client, start)
            except Exception as exc:  # not only ApiError: this runs in the connect worker
                names = exc
        selection = self._describe(start, names)
        if selection is None:
            if head_start is not None:
                head_start.cancel()
            self.pick_workspace()
        else:
            self.open_workspace(selection, head_start)

    def _describe(self, start: Start, names: Names | Exception | None) -> Selection | None:
        """The selection the names make, or a message and None."""
        team_id, workspace_id = start
        what = f"Workspace {workspace_id}" + ("" if team_id is None else f" of team {team_id}")
        if isinstance(names, Exception):
            sentence = failure_sentence(names, self.settings.token)
            self.notify(f"{what} cannot be opened: {sentence}", severity="error", markup=False)
            return None
        team, workspace = names or (None, None)
        if team is None or workspace is None:
            self.notify(
                f"{what} was not found or is not accessible; pick another.",
                severity="warning",
                markup=False,
            )
            return None
        return Selection(team.id, team.name or "", workspace.id, workspace.name or "")

    def _show_connect(self, settings: Settings, error: str) -> None:
        from sly_tui.ui.screens.connect import ConnectScreen

        self.push_screen(ConnectScreen(settings, error=error))

    def pick_workspace(self) -> None:
        from sly_tui.ui.screens.workspaces import WorkspaceScreen

        self.push_screen(WorkspaceScreen(), self._picked)

    def _picked(self, selection: Selection | Scope | None) -> None:
        if isinstance(selection, Scope):
            self.open_scope(selection)
        elif selection is not None:
            self.open_workspace(selection)

    def open_scope(self, scope: Scope) -> None:
        """The active tasks of a team's workspaces, or of every team's. The workspace
        picked before stays the one `A` and the next `w` start from."""
        from sly_tui.ui.screens.scope_list import ScopeListScreen

        where = "all workspaces" if scope.team_id is not None else ""
        self.place = Place(self.place.server, self.place.user, scope.team_name, where)
        self.switch_to(ScopeListScreen(scope.team_id))

    def open_workspace(self, selection: Selection, head_start: HeadStart | None = None) -> None:
        from sly_tui.ui.screens.task_list import TaskListScreen

        self.selection = selection
        self.place = replace(
            self.place, team=selection.team_name, workspace=selection.workspace_name
        )
        if self._remember and self.settings.server:
            with contextlib.suppress(OSError):
                save_selection(self.settings.server, selection.team_id, selection.workspace_id)
                if self.settings.profile:
                    save_profile_selection(
                        self.settings.profile, selection.team_id, selection.workspace_id
                    )
        topic = TaskListTopic(selection.workspace_id, head_start=head_start)
        self.switch_to(TaskListScreen(selection.workspace_id, topic))

    def switch_to(self, screen: Screen[Any]) -> None:
        """Replace everything above the base screen with `screen`."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def _theme_changed(self, theme: object) -> None:
        """The user switched themes (palette or key): keep the choice for the next run."""
        with contextlib.suppress(OSError):
            save_theme(self.theme)

    # --- switching profiles ----------------------------------------------------------------

    def action_profiles(self) -> None:
        """`P`: pick another saved profile (another server, account or team) to watch."""
        from sly_tui.ui.screens.profiles import ProfileScreen

        config = self.settings.config
        if config is None or not config.profiles:
            self.notify(
                "No saved profiles: the connect screen saves one, or add [profiles.NAME] to "
                f"{config.path if config else 'config.toml'}.",
                severity="warning",
                markup=False,
            )
        elif not isinstance(self.screen, ProfileScreen):
            self.push_screen(ProfileScreen(config.profiles, self.settings.profile), self._pick)

    def _pick(self, name: str | None) -> None:
        if name is None or (name == self.settings.profile and self.client is not None):
            return
        # A --read-only given on the command line holds for every profile of this run.
        read_only = self.settings.sources.get("read_only") == "--read-only"
        try:
            settings = resolve(Flags(profile=name, read_only=read_only))
            settings.require_credentials()
        except ConfigError as exc:
            self.notify(str(exc), title="Switch profile", severity="error", markup=False)
            return
        if self._remember and (remembered := load_profile_selection(name)) is not None:
            settings = replace(settings, team_id=remembered[0], workspace_id=remembered[1])
        self.switch_profile(settings)

    @work(exclusive=True, group="switch", exit_on_error=False)
    async def switch_profile(self, settings: Settings) -> None:
        """Leave the server shown for the one of `settings`: its screens, polling, client and
        open logs are closed first, then it connects as at start (to the workspace last
        used with that profile, else the profile's own, else the picker)."""
        for worker in self.workers:
            if worker.group == "connect":
                worker.cancel()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self._disconnect()
        self.selection = None
        self.place = Place(server=settings.server or "", profile=settings.profile or "")
        self.query_one("#startup", Static).update(Text(f"Connecting to {self.place.server}…"))
        self._set_state(ConnectionState(Phase.CONNECTING))
        self.connect(settings)

    async def _disconnect(self) -> None:
        """Stop polling and close the client and the open log spools."""
        monitor, self.monitor = self.monitor, None
        client, self.client = self.client, None
        if monitor is not None:
            await monitor.aclose()
        if client is not None:
            await client.aclose()
        for topic in self._detail_topics.values():
            topic.spool.close()
        self._detail_topics.clear()

    # --- watched tasks ---------------------------------------------------------------------

    def _start_watching(self, settings: Settings) -> None:
        """Poll the tasks watched on this server (those remembered from the last run too)
        for as long as the connection lasts."""
        remembered = load_watched(settings.server) if self._remember and settings.server else ()
        self.watch_topic = WatchTopic(remembered)
        self._unwatched.clear()
        assert self.monitor is not None
        self.monitor.subscribe(self.watch_topic, self._watch_news)

    @property
    def notify_settings(self) -> NotifySettings:
        """`[notify]` of the config the current connection was resolved with."""
        config = self.settings.config
        return config.notify if config is not None else NotifySettings()

    @property
    def watched(self) -> frozenset[int]:
        return self.watch_topic.task_ids

    def toggle_watch(self, tasks: tuple[TaskInfo, ...]) -> None:
        """`W`: watch `tasks` (the marked ones, else the one under the cursor), or stop
        watching them when all are watched already. An ended task has nothing left to tell."""
        if not tasks:
            self.notify("No task here to watch.", severity="warning")
            return
        if all(task.id in self.watched for task in tasks):
            for task in tasks:
                self.watch_topic.remove(task.id)
                self._unwatched.add(task.id)
            self._watches_changed(f"Stopped watching {_tasks_named(tasks)}.")
            return
        active = [task for task in tasks if task.is_active]
        if not active:
            self.notify(
                f"{_tasks_named(tasks)} already ended: nothing to watch.", severity="warning"
            )
            return
        for task in active:
            self.watch_topic.add(task.id)
        ends = "it ends" if len(active) == 1 else "they end"
        self._watches_changed(f"Watching {_tasks_named(tuple(active))}: told when {ends}.")

    def _watches_changed(self, sentence: str | None = None) -> None:
        """Remember the watched tasks, show them, and say what changed."""
        if self._remember and self.settings.server:
            with contextlib.suppress(OSError):
                save_watched(self.settings.server, set(self.watched))
        for screen in self.screen_stack:
            screen.post_message(WatchesChanged(self.watched))
        if sentence is not None:
            self.notify(sentence, timeout=4, markup=False)

    def _watch_news(self, event: object) -> None:
        """What the watch topic found (called on the event loop)."""
        if isinstance(event, TaskEnded):
            self._watches_changed()
            self.tell_ended(event.task)
        elif isinstance(event, TaskGone):
            self._watches_changed(f"Watched task {event.task_id} is gone from the server.")

    def on_monitor_event(self, message: MonitorEvent) -> None:
        """With `[notify] mine`, a task of mine new in a task list (its screen's event,
        bubbled up) is watched unasked, unless the user unwatched it."""
        event = message.event
        if not isinstance(event, TasksChanged):
            return
        if event.full and not self._collected_after_load:
            self._collect_after_load()
        if not self.notify_settings.mine:
            return
        mine = [
            task
            for task in event.added
            if task.user_id == self.user_id
            and task.is_active
            and task.id not in self.watched
            and task.id not in self._unwatched
        ]
        for task in mine:
            self.watch_topic.add(task.id)
        if mine:
            self._watches_changed()

    def _collect_after_load(self) -> None:
        """The first complete task list is in memory (10,000 tasks are some 100,000
        objects, all long-lived): one full collection now, as part of loading it. Left to
        itself, the collector would make that pass over them some seconds later, when
        the dashboard is only being watched."""
        self._collected_after_load = True
        gc.collect()

    def tell_ended(self, task: TaskInfo) -> None:
        """A watched task ended: a toast, and through the terminal the bell and a desktop
        notification (OSC 9, OSC 777), each as `[notify]` says. The sequences go through
        the driver, in order with the screen's own output, so they never land mid-frame."""
        from sly_tui.enums import Status

        settings = self.notify_settings
        body = ending_sentence(task.id, task_name(task), str(task.status or ""))
        if settings.toast:
            failed = task.status == Status.ERROR
            self.notify(
                body,
                title="Watched task ended",
                severity="error" if failed else "information",
                timeout=30,
                markup=False,
            )
        text = terminal_text(settings, TITLE, body, tmux=bool(os.environ.get("TMUX")))
        if text and self._driver is not None:
            self._driver.write(text)

    # --- health and the status bar --------------------------------------------------------

    def _post_state(self, state: ConnectionState) -> None:
        self.post_message(ConnectionChanged(state))

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self._set_state(message.state)

    def _set_state(self, state: ConnectionState) -> None:
        self.connection_state = state
        self.refresh_status()

    def refresh_status(self) -> None:
        if not self.screen_stack:  # a late message while the app shuts down
            return
        for bar in self.screen.query(StatusBar):
            bar.update_now()

    # --- global actions -------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        if self.monitor is not None:
            self.monitor.paused = not self.monitor.paused
            self.refresh_status()

    def action_refresh(self) -> None:
        if self.monitor is not None:
            self.monitor.refresh()

    def action_interval(self, direction: int) -> None:
        if self.monitor is None:
            return
        current = self.monitor.interval
        steps = INTERVAL_STEPS
        if direction > 0:
            nxt = next((s for s in steps if s > current), steps[-1])
        else:
            nxt = next((s for s in reversed(steps) if s < current), steps[0])
        self.monitor.interval = nxt
        self.notify(f"Polling every {nxt:g} s", timeout=2)
        self.refresh_status()

    def action_agents(self) -> None:
        from sly_tui.ui.screens.agents import AgentsScreen

        if self.client is None or self.selection is None:
            self.notify("Open a workspace first.", severity="warning")
        elif not isinstance(self.screen, AgentsScreen):
            self.push_screen(AgentsScreen())

    def action_failures(self) -> None:
        """The failure feed of the team on screen: the scope's, else the workspace's."""
        from sly_tui.ui.screens.failures import FailuresScreen
        from sly_tui.ui.screens.scope_list import ScopeListScreen

        screen = self.screen
        if isinstance(screen, FailuresScreen):
            return
        if isinstance(screen, ScopeListScreen):
            self.push_screen(FailuresScreen(screen.team_id, self.place.team))
        elif self.client is None or self.selection is None:
            self.notify("Open a workspace first.", severity="warning")
        else:
            self.push_screen(FailuresScreen(self.selection.team_id, self.selection.team_name))

    def get_system_commands(self, screen: Screen[object]) -> Iterator[SystemCommand]:
        """The palette reaches every action by name (mutating ones not in read-only)."""
        from sly_tui.ui import actions
        from sly_tui.ui.screens.live import LiveScreen

        yield from super().get_system_commands(screen)
        yield SystemCommand("Pause or resume polling", "p", self.action_toggle_pause)
        yield SystemCommand("Refresh now", "r: poll everything at once", self.action_refresh)
        yield SystemCommand("Poll slower", "+", partial(self.action_interval, 1))
        yield SystemCommand("Poll faster", "-", partial(self.action_interval, -1))
        if self.selection is not None:
            yield SystemCommand("Switch workspace", "w", self.pick_workspace)
            yield SystemCommand("Agents", "A: agents of the team", self.action_agents)
            yield SystemCommand("Failures", "F: recent failures of the team", self.action_failures)
        if self.settings.config is not None and self.settings.config.profiles:
            yield SystemCommand(
                "Switch profile", "P: another saved server or account", self.action_profiles
            )
        if isinstance(screen, LiveScreen):
            yield SystemCommand(
                "Watch or stop watching", "W: be told when the task ends", screen.action_watch
            )
            for action in actions.available(self.read_only):
                yield SystemCommand(
                    action.label,
                    f"{action.key}: {action.description}",
                    partial(screen.action_act, action.id),
                )

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's Screenshot) in `path`, else the current
        directory, and say where: Textual's default, ~/Downloads, is often missing. The
        file is private (0600), as saved logs are: the screen may show what tasks print."""
        folder = Path(path or ".").expanduser().resolve()
        name = filename or f"sly-tui_{time.strftime(time_format or '%Y-%m-%dT%H_%M_%S')}.svg"
        written = folder / name
        try:
            with create_private(written) as file:
                file.write(self.export_screenshot())
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot in {folder}: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"Saved {written}", title="Screenshot", markup=False)
        return str(written)

    def action_help(self) -> None:
        from sly_tui.ui.screens.help import HelpScreen, key_table

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(key_table(self.screen)))

    # --- where logs are spooled -----------------------------------------------------------

    @property
    def log_dir(self) -> Path:
        """Per-instance spool directory (a temporary one for the demo world)."""
        if self._cache_dir is None:
            self._temp_cache = tempfile.TemporaryDirectory(prefix="sly-tui-")
            self._cache_dir = Path(self._temp_cache.name)
        key = hashlib.sha256(self._instance.encode()).hexdigest()[:16]
        return self._cache_dir / "logs" / key

    def detail_topic(self, task_id: int) -> TaskDetailTopic[LogSpool]:
        """The task's detail topic with its log spool, kept for the next visit.

        Reopening a task continues its log where it was. Only the most recent
        `KEPT_TASKS` stay open; older spools are closed (their files stay, and the cursor
        is rebuilt from them when the task is opened again).
        """
        from sly_tui.monitor.log_spool import LogSpool

        topic = self._detail_topics.pop(task_id, None)
        if topic is None:
            loop = asyncio.get_running_loop()  # appends run in threads: report on the loop

            def in_memory(reason: str) -> None:
                loop.call_soon_threadsafe(self._spooling_in_memory, reason)

            spool = LogSpool(self.log_dir / f"task-{task_id}.jsonl", on_memory=in_memory)
            topic = TaskDetailTopic(task_id, spool)
        self._detail_topics[task_id] = topic
        while len(self._detail_topics) > KEPT_TASKS:
            _, old = self._detail_topics.popitem(last=False)
            old.spool.close()
        return topic

    def _spooling_in_memory(self, reason: str) -> None:
        """Say once per session that logs live in memory (the cache cannot be written)."""
        if self._told_in_memory:
            return
        self._told_in_memory = True
        self.notify(
            f"Task logs are kept in memory for this session: the log cache cannot be "
            f"written ({one_line(reason)}).",
            severity="warning",
            timeout=15,
            markup=False,
        )

    async def on_unmount(self) -> None:
        await self._disconnect()
        if self._temp_cache is not None:
            self._temp_cache.cleanup()
