"""The clock-driven life of the world: tasks advance, spawn and stop.

Lazy by design: nothing runs in the background. Before each request (and on
`Emulator.advance`) `catch_up(now)` plays every live task's script up to `now`, so the
world depends only on the seed, the clock and the requests made, which makes it exactly
reproducible under a `ManualClock` and live under a `SystemClock`.

Scripts yield whole seconds, so every change lands on the whole-second grid of its task.
After a long idle period only the last `MAX_CATCH_UP` is played: a demo left alone for a
day wakes up in one cheap step instead of simulating the day.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sly_tui.demo import scripts
from sly_tui.demo.errors import ApiError
from sly_tui.demo.factory import kind_of, new_app_task, planned_output
from sly_tui.demo.logs import LogSource, TaskLog
from sly_tui.demo.scripts import Plan, Record
from sly_tui.demo.world import Task, World
from sly_tui.enums import FINAL_STATUSES, Status

MAX_CATCH_UP = timedelta(minutes=30)
SPAWN_EVERY_S = (60, 240)
MAX_ACTIVE_PER_WORKSPACE = 10
MAX_SPAWNED = 2_000  # the spawner retires after this many tasks
KEEP_LIVE_LOGS = 300  # finished live tasks whose logs are kept; older ones are pruned


class TaskSink:
    """Applies a script's effects to one task. `live=False` rebuilds the history of a task
    whose outcome is already recorded, so only logs, metrics and checkpoints are written."""

    def __init__(self, sim: Simulator, task: Task, start: datetime, *, live: bool) -> None:
        self.sim = sim
        self.task = task
        self.now = start
        self.live = live

    def log(self, record: Record) -> None:
        level, message, extras = record
        log = self.sim.log_of(self.task)
        if isinstance(log, TaskLog):  # a generated log is read-only: its lines are fixed
            log.write(self.now, level, message, **extras)

    def status(self, status: Status) -> None:
        if not self.live:
            return
        task = self.task
        task.status = status
        if status is Status.STARTED:
            task.started_at = self.now
        elif status in FINAL_STATUSES:
            task.finished_at = self.now
            self.sim.retired(task)

    def metric(self, point: dict[str, Any]) -> None:
        self.sim.metrics_of(self.task).append(point)

    def checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Keep the best marker on one checkpoint: a new best takes it from the older one."""
        checkpoints = self.sim.checkpoints_of(self.task)
        if checkpoint.get("isBest"):
            for older in checkpoints:
                older["isBest"] = False
        checkpoints.append(checkpoint)

    def output(self, output: dict[str, Any]) -> None:
        if self.live:
            self.task.meta["output"] = output


@dataclass
class Running:
    steps: Iterator[int]
    due: datetime  # when the script resumes next
    sink: TaskSink

    def advance(self, until: datetime) -> bool:
        """Play every step due by `until`; False once the script has ended."""
        while self.due <= until:
            self.sink.now = self.due
            try:
                delay = next(self.steps)
            except StopIteration:
                return False
            self.due += timedelta(seconds=delay)
        return True


class Simulator:
    def __init__(self, world: World, now: datetime) -> None:
        self.world = world
        self.time = datetime.min.replace(tzinfo=UTC)  # nothing has been played yet
        self.running: dict[int, Running] = {}
        self._plans: dict[int, Plan] = {}
        self._spawn_rng = random.Random(f"spawn:{world.seed}")
        self._next_spawn = now + timedelta(seconds=self._spawn_rng.randint(*SPAWN_EVERY_S))
        self._spawned = 0
        self._finished_live: deque[int] = deque()

    # --- what a task is and does ------------------------------------------------------------

    def plan_of(self, task: Task) -> Plan:
        plan = self._plans.get(task.id)
        if plan is None:
            kind = kind_of(self.world, task)
            plan = self._plans[task.id] = scripts.make_plan(self.world.seed, task.id, kind)
        return plan

    def _script(self, task: Task, sink: TaskSink) -> Iterator[int]:
        rng = random.Random(f"script:{self.world.seed}:{task.id}")
        plan = self.plan_of(task)
        output = planned_output(self.world, task, plan.kind, failed=plan.fails)
        legacy = task.type != "app"
        return scripts.script(task.id, task.name, plan, sink, rng, output, legacy=legacy)

    # --- lazily built per-task state --------------------------------------------------------

    def log_of(self, task: Task) -> LogSource:
        self._materialize(task)
        assert task.log is not None
        return task.log

    def metrics_of(self, task: Task) -> list[dict[str, Any]]:
        self._materialize(task)
        assert task.metrics is not None
        return task.metrics

    def checkpoints_of(self, task: Task) -> list[dict[str, Any]]:
        self._materialize(task)
        assert task.checkpoints is not None
        return task.checkpoints

    def _materialize(self, task: Task) -> None:
        """Create a task's log, metrics and checkpoints on first use; for a task that
        ended before the emulator started, that means replaying its history."""
        if task.metrics is None:
            task.metrics = []
        if task.checkpoints is None:
            task.checkpoints = []
        if task.log is None:
            task.log = TaskLog(task.id, scripts.LIVE_LOG_CAP)
            if task.simulated and task.status in FINAL_STATUSES and task.id not in self.running:
                self._rebuild_history(task)

    def _rebuild_history(self, task: Task) -> None:
        """Replay the script of a task that ended before the emulator started."""
        assert task.finished_at is not None
        sink = TaskSink(self, task, task.created_at, live=False)
        run = Running(self._script(task, sink), task.created_at, sink)
        if run.advance(task.finished_at):  # still going: it was stopped by a user
            sink.now = task.finished_at
            sink.log(scripts.STOP_RECORD)
        for record in self.world.extra_log_lines.get(task.id, ()):
            sink.log(record)

    # --- life -------------------------------------------------------------------------------

    def start(self, task: Task, plan: Plan | None = None) -> None:
        """Let a queued task live from its `created_at` on (it moves at the next catch-up),
        following `plan` if given instead of the one its id draws."""
        if plan is not None:
            self._plans[task.id] = plan
        sink = TaskSink(self, task, task.created_at, live=True)
        self._materialize(task)
        self.running[task.id] = Running(self._script(task, sink), task.created_at, sink)

    def catch_up(self, now: datetime, limit: timedelta | None = MAX_CATCH_UP) -> None:
        """Play the world up to `now`; with `limit`, skip all but that much of a long gap."""
        if now <= self.time:
            return
        floor = now - limit if limit is not None else datetime.min.replace(tzinfo=UTC)
        while self._next_spawn <= now:
            self._next_spawn = max(self._next_spawn, floor)
            self._spawn(self._next_spawn)
            self._next_spawn += timedelta(seconds=self._spawn_rng.randint(*SPAWN_EVERY_S))
        for task_id, run in list(self.running.items()):
            run.due = max(run.due, floor)
            if not run.advance(now):
                self.running.pop(task_id, None)
        self.time = now

    def stop(self, task: Task, now: datetime) -> None:
        if task.status in FINAL_STATUSES:
            raise ApiError(
                400,
                "Task is not running",
                f"task {task.id} has already ended with status {task.status!s}; "
                "only queued, consumed, started or deployed tasks can be stopped",
            )
        if task.status is Status.TERMINATING:
            return
        sink = TaskSink(self, task, now, live=True)
        steps = scripts.stopping(sink)
        next(steps)  # `terminating` from this very instant
        self.running[task.id] = Running(steps, now + timedelta(seconds=scripts.STOP_DELAY_S), sink)

    def set_status(self, task: Task, status: Status, now: datetime) -> None:
        """`tasks.status.update`: the caller decides; the task's own script stops if the
        new status is final."""
        self.log_of(task)
        task.status = status
        if status is Status.STARTED and task.started_at is None:
            task.started_at = now
        if status in FINAL_STATUSES:
            task.finished_at = now
            self.running.pop(task.id, None)

    def retired(self, task: Task) -> None:
        """A live task ended: bound the memory kept for the logs of ended tasks."""
        self._finished_live.append(task.id)
        if len(self._finished_live) > KEEP_LIVE_LOGS:
            old = self.world.tasks.get(self._finished_live.popleft())
            if old is not None and isinstance(old.log, TaskLog):
                old.log.clear()

    def _spawn(self, at: datetime) -> None:
        if self._spawned >= MAX_SPAWNED or not self.world.spawn_workspaces:
            return
        rng = self._spawn_rng
        workspace_id = rng.choice(self.world.spawn_workspaces)
        active = sum(
            1
            for t in self.world.tasks.values()
            if t.workspace_id == workspace_id and t.id in self.running
        )
        if active >= MAX_ACTIVE_PER_WORKSPACE:
            return
        module = self.world.modules[rng.choice(sorted(self.world.modules))]
        team_id = self.world.workspaces[workspace_id].team_id
        members = sorted(
            u.id
            for u in self.world.users.values()
            if team_id in u.roles and u.roles[team_id] != "viewer"
        )
        task = new_app_task(
            self.world,
            module=module,
            workspace_id=workspace_id,
            user_id=rng.choice(members),
            created_at=at,
            name=f"{module.name.lower().replace(' ', '-')}-{rng.randint(100, 999)}",
        )
        self._spawned += 1
        self.start(task)
