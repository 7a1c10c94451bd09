"""What a task does over its life, written once and played two ways.

A task's *plan* (durations, size, whether it fails) is a pure function of the seed, its
id and its kind. Its *script* is a generator that yields the seconds to wait before its
next step and writes through a `Sink`: log records, status changes, metrics, checkpoints,
outputs. The simulator plays scripts against the clock for live tasks; `replay` plays one
instantly to fill in the history of a task that ended before the emulator started, so old
and new tasks have logs of the same make.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sly_tui.demo import logs
from sly_tui.demo.clock import iso
from sly_tui.enums import LogLevel, Status

Record = tuple[str, str, dict[str, Any]]

# Module categories and legacy task types, mapped onto the few behaviours we simulate.
KIND_BY_TYPE = {
    "train": "train",
    "inference": "inference",
    "inference_rpc": "serve",
    "import": "import",
    "export": "export",
    "dtl": "dtl",
    "python": "custom",
    "custom": "custom",
    "smarttool": "serve",
}

SUBTASKS = {
    "import": "Uploading images",
    "export": "Packing annotations",
    "inference": "Applying model to images",
    "dtl": "Transforming project",
    "custom": "Processing items",
}

# Log lines of a simulated task beyond this are dropped oldest-first.
LIVE_LOG_CAP = 5_000
DIVERGE_RATE = 0.15  # share of training runs whose loss explodes part-way


@dataclass(frozen=True, slots=True)
class Plan:
    kind: str
    queue_s: int
    consume_s: int
    steps: int  # epochs for train, start-up steps for serve, work chunks otherwise
    step_s: int
    units: int  # items per step, for progress totals
    fails: bool
    ckpt_every: int
    heartbeat_s: int
    diverges: bool = False  # a training run whose loss blows up part-way (see `curve`)

    @property
    def run_s(self) -> int:
        """Seconds from `started` to the end (to `deployed` for serving apps)."""
        return self.steps * self.step_s


def make_plan(seed: int, task_id: int, kind: str) -> Plan:
    rng = random.Random(f"plan:{seed}:{task_id}")
    if kind == "train":
        steps, step_s = rng.randint(6, 16), rng.randint(6, 12)
    elif kind == "serve":
        steps, step_s = rng.randint(3, 5), rng.randint(2, 4)
    else:
        steps, step_s = rng.randint(5, 14), rng.randint(2, 6)
    return Plan(
        kind=kind,
        queue_s=rng.randint(2, 8),
        consume_s=rng.randint(2, 5),
        steps=steps,
        step_s=step_s,
        units=rng.choice((8, 16, 25, 40, 64)),
        fails=kind != "serve" and rng.random() < 0.18,
        ckpt_every=rng.choice((2, 3, 4)),
        heartbeat_s=rng.randint(20, 60),
        # drawn last, so every other field stays what older seeds made it
        diverges=kind == "train" and rng.random() < DIVERGE_RATE,
    )


class Sink(Protocol):
    """Where a script's effects land: the live world, or a history being rebuilt."""

    @property
    def now(self) -> datetime: ...

    def log(self, record: Record) -> None: ...

    def status(self, status: Status) -> None: ...

    def metric(self, point: dict[str, Any]) -> None: ...

    def checkpoint(self, checkpoint: dict[str, Any]) -> None: ...

    def output(self, output: dict[str, Any]) -> None: ...


def script(
    task_id: int,
    name: str,
    plan: Plan,
    out: Sink,
    rng: random.Random,
    output: dict[str, Any],
    *,
    legacy: bool = False,
) -> Iterator[int]:
    """The life of one task from `queued` on; `output` is what it publishes at its end.
    `legacy`: a plugin task (not an app), the only kind whose serving ends up `deployed`."""
    yield plan.queue_s
    out.status(Status.CONSUMED)
    out.log(logs.plain(LogLevel.INFO, f"Task {task_id} has been consumed by the agent"))
    out.log(logs.progress("Pulling docker image", 1, 1))
    yield plan.consume_s
    out.status(Status.STARTED)
    out.log(
        logs.plain(
            LogLevel.INFO, f"Application is started: {name}", service_type="ServiceType.TASK"
        )
    )
    out.log(logs.progress("Installing app requirements...", 1, 1))
    if plan.kind == "train":
        yield from _train(task_id, plan, out, rng)
    elif plan.kind == "serve":
        yield from _serve(plan, out, rng, legacy=legacy)
        return
    else:
        yield from _work(plan, out, rng)
    if plan.fails:
        for record in crash_records(rng):
            out.log(record)
    else:
        out.log(logs.task_end("FINISHED", exit_status=0))
    if output:
        out.output(output)
    out.status(Status.ERROR if plan.fails else Status.FINISHED)


def _work(plan: Plan, out: Sink, rng: random.Random) -> Iterator[int]:
    subtask = SUBTASKS.get(plan.kind, SUBTASKS["custom"])
    total = plan.steps * plan.units
    out.log(logs.progress(subtask, 0, total))
    for step in range(1, plan.steps + 1):
        yield plan.step_s
        if rng.random() < 0.12:
            item = rng.randint(1, total)
            out.log(logs.plain(LogLevel.WARN, f"Item #{item} has no annotations, skipped"))
        if rng.random() < 0.3:
            out.log(logs.plain(LogLevel.DEBUG, f"Batch {step} done in {rng.uniform(0.2, 4):.2f}s"))
        out.log(logs.progress(subtask, step * plan.units, total))


def _train(task_id: int, plan: Plan, out: Sink, rng: random.Random) -> Iterator[int]:
    epochs = plan.steps
    out.log(logs.plain(LogLevel.INFO, f"Training started: {epochs} epochs, batch size 16"))
    best = 0.0
    for epoch, point in enumerate(curve(epochs, plan.diverges, rng), start=1):
        half = plan.step_s // 2
        yield half
        out.log(logs.progress(f"Epoch {epoch}/{epochs}: train", plan.units // 2, plan.units))
        yield plan.step_s - half
        out.log(logs.progress(f"Epoch {epoch}/{epochs}: train", plan.units, plan.units))
        loss, map50 = point.train_loss, point.map50
        best = max(best, map50)
        out.metric(
            {
                "epoch": epoch,
                "iteration": epoch * plan.units,
                "timestamp": iso(out.now),
                "train": {"loss": loss, "lr": point.lr},
                "val": {"loss": point.val_loss, "mAP": map50},
            }
        )
        out.log(logs.plain(LogLevel.INFO, f"Epoch {epoch}: loss={loss:.4f} mAP@0.5={map50:.4f}"))
        if point.exploding:
            out.log(logs.plain(LogLevel.WARN, f"Loss is increasing ({loss:.4g}); check the lr"))
        if epoch % plan.ckpt_every == 0 or epoch == epochs:
            path = f"/experiments/{task_id}/checkpoints/epoch_{epoch}.pth"
            out.checkpoint(
                {
                    "id": task_id * 1000 + epoch,
                    "name": f"epoch_{epoch}.pth",
                    "epoch": epoch,
                    "path": path,
                    "size": str(40_000_000 + epoch * 1_000),
                    "createdAt": iso(out.now),
                    "isBest": map50 >= best,
                }
            )
            out.log(logs.plain(LogLevel.INFO, f"Checkpoint saved: {path}"))


@dataclass(frozen=True, slots=True)
class EpochMetrics:
    train_loss: float
    val_loss: float
    map50: float
    lr: float
    exploding: bool


def curve(epochs: int, diverges: bool, rng: random.Random) -> Iterator[EpochMetrics]:
    """Per-epoch metrics shaped like a real run, so charts have something true to show.

    Loss decays exponentially towards a floor with about five per cent of noise, validation
    loss sits above it and creeps up late (mild overfitting), mAP rises towards a plateau,
    the learning rate follows a cosine schedule. A run that `diverges` turns at a random
    epoch: its loss then grows by a quarter or more per epoch (large, never NaN) and its
    mAP collapses, as when the learning rate is too high.
    """
    start, floor = rng.uniform(2.0, 3.5), rng.uniform(0.15, 0.5)
    tau = epochs * rng.uniform(0.25, 0.5)
    gap, overfit = rng.uniform(1.04, 1.15), rng.uniform(0.005, 0.03)
    peak, tau_map = rng.uniform(0.55, 0.92), epochs * rng.uniform(0.2, 0.45)
    lr0 = rng.choice((0.01, 0.005, 0.001))
    turn = rng.randint(2, max(2, epochs // 2)) if diverges else epochs + 1
    loss, map50 = start, 0.0
    for epoch in range(1, epochs + 1):
        exploding = epoch > turn
        if exploding:
            loss *= rng.uniform(1.25, 1.8)
            map50 *= rng.uniform(0.45, 0.8)
        else:
            loss = (floor + (start - floor) * math.exp(-epoch / tau)) * rng.gauss(1, 0.05)
            map50 = peak * (1 - math.exp(-epoch / tau_map)) + rng.gauss(0, 0.015)
        late = max(0.0, epoch - 0.7 * epochs) * overfit
        val_loss = loss * gap + late + abs(rng.gauss(0, 0.02 * loss))
        map50 = min(0.99, max(0.0, map50))
        lr = lr0 * 0.5 * (1 + math.cos(math.pi * (epoch - 1) / epochs))
        yield EpochMetrics(
            round(loss, 4), round(val_loss, 4), round(map50, 4), round(lr, 6), exploding
        )


def _serve(plan: Plan, out: Sink, rng: random.Random, *, legacy: bool) -> Iterator[int]:
    """A serving app stays `started` (the SDK's `list_deployed_models` looks for started
    sessions); only a legacy plugin's deploy task becomes `deployed`."""
    for step in range(1, plan.steps + 1):
        yield plan.step_s
        out.log(logs.progress("Downloading model weights", step, plan.steps))
    out.log(logs.plain(LogLevel.INFO, "Model has been successfully deployed"))
    if legacy:
        out.status(Status.DEPLOYED)
    while True:
        yield plan.heartbeat_s
        images = rng.randint(1, 32)
        out.log(
            logs.plain(
                LogLevel.INFO,
                f"Inference request served: {images} image(s) in {rng.uniform(0.05, 2):.2f}s",
            )
        )


def crash_records(rng: random.Random) -> list[Record]:
    message, exc = rng.choice(
        (
            ("CUDA out of memory. Tried to allocate 2.00 GiB", "torch.cuda.OutOfMemoryError"),
            ("Project has no images to process", "ValueError"),
            ("Connection to the storage was reset", "ConnectionResetError"),
        )
    )
    stack = [
        "Traceback (most recent call last):",
        '  File "/app/src/main.py", line 88, in main',
        "    run(api, state)",
        '  File "/app/src/worker.py", line 142, in run',
        "    batch = next(loader)",
        f"{exc}: {message}",
    ]
    return [
        logs.crash(message, f"{exc}: {message}", stack),
        logs.task_end("CRASHED", exit_status=1, exc_str=message),
    ]


STOP_RECORD = logs.task_end("STOPPED", stopped="by_user")
STOP_DELAY_S = 2  # how long a stopped task stays `terminating`


def stopping(out: Sink) -> Iterator[int]:
    """What follows `tasks.stop`: a short `terminating`, then `stopped`."""
    out.status(Status.TERMINATING)
    yield STOP_DELAY_S
    out.log(STOP_RECORD)
    out.status(Status.STOPPED)


def planned_times(created: datetime, plan: Plan) -> tuple[datetime, datetime]:
    """When a task created at `created` starts, and when its run ends, per its plan."""
    started = created + timedelta(seconds=plan.queue_s + plan.consume_s)
    return started, started + timedelta(seconds=plan.run_s)
