"""The emulator as one object: a seeded world, its simulator, a clock, faults and the
ASGI app that serves them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from starlette.datastructures import Headers

from sly_tui.demo import handlers_tasks, handlers_team
from sly_tui.demo.clock import Clock, ManualClock, SystemClock
from sly_tui.demo.errors import ApiError
from sly_tui.demo.faults import FaultInjector, Faults
from sly_tui.demo.seed_data import ADMIN_USER_ID, VIEWER_USER_ID, build_world
from sly_tui.demo.server import build_app
from sly_tui.demo.world import User


class Emulator:
    """An emulated Supervisely instance.

    `token` is the admin's API token (128 random alphanumeric characters, new for every
    emulator, unless given); `viewer_token` belongs to a read-only user whom every mutating method
    refuses with 403. `app` is the Starlette app; serve it with `serve()` or mount it in
    `httpx.ASGITransport`. `requests` counts the calls of each RPC method received
    (`GET /demo/requests` reads it from another process).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        speed: float = 1.0,
        clock: Clock | None = None,
        token: str | None = None,
        big_workspace_tasks: int = 0,
        big_log_lines: int = 0,
        big_team: int = 0,
        big_teams: int = 1,
        faults: Faults | None = None,
    ) -> None:
        if token is not None and not token:
            raise ValueError("token must not be empty")
        if min(big_workspace_tasks, big_log_lines, big_team, big_teams) < 0:
            raise ValueError("sizes must not be negative")
        self.seed = seed
        self.clock: Clock = clock if clock is not None else SystemClock(speed)
        self.world, self.simulator = build_world(
            seed,
            self.clock.now(),
            token=token,
            big_workspace_tasks=big_workspace_tasks,
            big_log_lines=big_log_lines,
            big_team=big_team,
            big_teams=big_teams,
        )
        tokens = {uid: tok for tok, uid in self.world.tokens.items()}
        self.token = tokens[ADMIN_USER_ID]
        self.viewer_token = tokens[VIEWER_USER_ID]
        self.injector = FaultInjector(faults or Faults(), seed)
        self.requests: Counter[str] = Counter()
        self.app = build_app(self, {**handlers_team.HANDLERS, **handlers_tasks.HANDLERS})

    @property
    def faults(self) -> Faults:
        return self.injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.injector.faults = faults

    @property
    def big_log_task_id(self) -> int | None:
        return self.world.big_log_task_id

    @property
    def load_test_workspace_id(self) -> int | None:
        return self.world.load_test_workspace_id

    def sync(self) -> datetime:
        """Bring the world up to the clock's present; returns that present."""
        now = self.clock.now()
        self.simulator.catch_up(now)
        return now

    def advance(self, seconds: float) -> None:
        """Move a `ManualClock` forward and let the world live through that time."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock; a SystemClock moves by itself")
        self.clock.advance(seconds)
        self.sync()

    def authenticate(self, headers: Headers) -> User:
        key = headers.get("x-api-key")
        if not key:
            raise ApiError(400, "Missing API token", "send your API token in the x-api-key header")
        user_id = self.world.tokens.get(key)
        if user_id is None:
            raise ApiError(403, "Invalid API token", "the API token is not valid for this server")
        return self.world.users[user_id]

    def scrub(self, text: str) -> str:
        """Remove every API token from text that is about to leave the server."""
        for token in self.world.tokens:
            text = text.replace(token, "***")
        return text
