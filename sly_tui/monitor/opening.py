"""What the dashboard asks a server first, and asking it before the dashboard exists.

Opening a workspace takes the user (`users.me`, which also checks the token), the names of
the workspace and its team, and the first page of its tasks. `SlyApp.connect` asks for
exactly these; `send_early` sends the same calls on threads while Textual is still being
imported (see `EarlyReplies`), so that the first rows wait for neither.
"""

from __future__ import annotations

import os

from sly_tui.api.address import address_problem, api_root
from sly_tui.api.early import Call, EarlyReplies
from sly_tui.api.tasks import TaskApi
from sly_tui.api.transport import probes_https
from sly_tui.config import ConfigError, Settings, response_limit
from sly_tui.secrets import token_problem
from sly_tui.state import load_selection

Start = tuple[int | None, int]  # the team (if known) and workspace the dashboard opens with
DASHBOARD_TIMEOUT = 20.0  # seconds for each request of the dashboard


def start_ids(settings: Settings, *, remember: bool) -> Start | None:
    """(team, workspace) to open: the configured workspace (a workspace alone brings its
    own team), else the one remembered for this server; None: the picker."""
    team_id, workspace_id = settings.team_id, settings.workspace_id
    if workspace_id is None and remember and settings.server:
        remembered = load_selection(settings.server)
        if remembered is not None and team_id in (None, remembered[0]):
            team_id, workspace_id = remembered
    return None if workspace_id is None else (team_id, workspace_id)


def opening_calls(start: Start) -> list[Call]:
    """The reads that open `start`, with the bodies the client sends them with. Without a
    known team, the team is asked for after the workspace names it, so not here."""
    team_id, workspace_id = start
    calls: list[Call] = [
        ("users.me", {}),
        ("workspaces.info", {"id": workspace_id}),
        ("tasks.list", TaskApi.list_query(workspace_id, newest_first=True)),
    ]
    if team_id is not None:
        calls.append(("teams.info", {"id": team_id}))
    return calls


def send_early(settings: Settings) -> EarlyReplies | None:
    """The opening calls of a dashboard with these settings, sent now; None where the
    client would not send them as they are (no credentials or workspace yet, an address or
    token it refuses, an http:// address it first probes on https://)."""
    start = start_ids(settings, remember=True)
    if start is None or not settings.server or settings.token is None:
        return None
    if token_problem(settings.token.reveal()):
        return None
    root = api_root(settings.server, settings.api_server_address)
    if address_problem(root) or probes_https(root):
        return None
    try:
        limit = response_limit(os.environ)
    except ConfigError:  # a bad limit: the dashboard says so when it starts
        return None
    try:
        return EarlyReplies(
            root, settings.token, opening_calls(start), timeout=DASHBOARD_TIMEOUT, max_bytes=limit
        )
    except RuntimeError:  # no thread to be had: the client asks as usual
        return None
