"""Textual messages that carry the polling service's events to screens and the app
(posted by `sly_tui.ui.bridge` and by the app's health callback)."""

from __future__ import annotations

from textual.message import Message

from sly_tui.monitor.events import ConnectionState, Event


class MonitorEvent(Message):
    """An event from a subscription (`TasksChanged`, `TaskUpdated`, `LogsAppended` …)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class ConnectionChanged(Message):
    """The service's health changed (live, retrying, disconnected, paused)."""

    def __init__(self, state: ConnectionState) -> None:
        super().__init__()
        self.state = state


class WatchesChanged(Message):
    """The set of watched tasks changed (`W`, an ending): lists show which are watched."""

    def __init__(self, watched: frozenset[int]) -> None:
        super().__init__()
        self.watched = watched
