"""Training metrics: tolerant parsing, export, the polling topic and the list's trends."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from sly_tui.api import ApiError, SlyClient
from sly_tui.demo import Emulator, ManualClock
from sly_tui.demo.faults import Faults
from sly_tui.demo.scripts import Plan
from sly_tui.enums import Status
from sly_tui.monitor.events import MetricsFailed, MetricsUpdated, TrendsChanged
from sly_tui.monitor.metrics import (
    Metrics,
    MetricsTopic,
    direction_of,
    parse_metrics,
    to_csv,
    to_json,
    write_export,
)
from sly_tui.monitor.service import Next
from sly_tui.monitor.task_list import TREND_EVERY, TaskListTopic
from sly_tui.monitor.trainings import TREND_POINTS

from ..conftest import FROZEN_NOW
from ..demo.test_artifacts import start_training, until_epoch
from .test_task_list_topic import Counter, Recorded, counted_client

EMULATOR_REPLY = {
    "taskId": 7,
    "metrics": [
        {
            "epoch": e,
            "iteration": e * 16,
            "timestamp": "2026-11-27T12:00:00.000Z",
            "train": {"loss": loss, "lr": 0.01 / e},
            "val": {"loss": loss * 1.1, "mAP": m},
        }
        for e, loss, m in ((1, 2.0, 0.1), (2, 1.5, 0.3), (3, 1.6, 0.25), (4, 1.0, 0.2))
    ],
}


def by_name(metrics: Metrics) -> dict[str, Any]:
    return {s.name: s for s in metrics.series}


# --- parsing -----------------------------------------------------------------------------


def test_emulator_shape_groups_train_and_val_per_family():
    metrics = parse_metrics(EMULATOR_REPLY)
    assert metrics.x_label == "epoch"
    families = [(family, [s.name for s in members]) for family, members in metrics.families()]
    # losses first, accuracy-like next, the rest (lr) last; train before val
    assert families == [
        ("loss", ["train loss", "val loss"]),
        ("map", ["val mAP"]),
        ("lr", ["train lr"]),
    ]
    series = by_name(metrics)
    assert series["train loss"].xs == (1.0, 2.0, 3.0, 4.0)
    assert series["train loss"].latest() == (4.0, 1.0)
    assert series["train loss"].best() == (4.0, 1.0)  # min for a loss
    assert series["val mAP"].best() == (2.0, 0.3)  # max for mAP, at its epoch
    assert series["val mAP"].latest() == (4.0, 0.2)
    assert series["train lr"].best() is None  # "best lr" means nothing
    assert metrics.main_series() is series["train loss"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a bare list of flat points, split prefixes and suffixes of every spelling
        (
            [{"step": 1, "val_loss": 2, "train/loss": 3, "acc-test": 0.5}],
            {"val loss": [(1, 2)], "train loss": [(1, 3)], "test acc": [(1, 0.5)]},
        ),
        # a dict of series: bare values (x = position), {x, y}, [x, y]
        (
            {"loss": [3, 2, 1], "val_acc": [{"x": 2, "y": 0.1}], "mAP": [[5, 0.4], [6, 0.5]]},
            {"loss": [(1, 3), (2, 2), (3, 1)], "val acc": [(2, 0.1)], "mAP": [(5, 0.4), (6, 0.5)]},
        ),
        # one level of grouping, under "metrics"
        ({"metrics": {"validation": {"loss": [1.5, 1.2]}}}, {"val loss": [(1, 1.5), (2, 1.2)]}),
        # a bare list of numbers
        ([0.9, 0.8], {"value": [(1, 0.9), (2, 0.8)]}),
        # points out of order are sorted by x
        ([{"epoch": 2, "loss": 1}, {"epoch": 1, "loss": 2}], {"loss": [(1, 2), (2, 1)]}),
    ],
)
def test_other_shapes(raw: Any, expected: dict[str, list[tuple[float, float]]]):
    series = by_name(parse_metrics(raw))
    assert {name: list(zip(s.xs, s.ys, strict=True)) for name, s in series.items()} == expected


def test_odd_points_are_skipped_not_fatal():
    raw = {
        "metrics": [
            {"epoch": 1, "train": {"loss": 1.0, "acc": "0.5", "ok": True, "lr": None}},
            {"epoch": 2, "train": {"loss": float("nan")}},
            {"epoch": 3, "train": {"loss": float("inf"), "acc": 10**400}},
            {"train": {"loss": 0.1}},  # no epoch: cannot be placed
            {"epoch": "4", "train": {"loss": 0.2}},  # epoch as text
            "garbage",
            None,
            {"epoch": 5, "train": {"loss": 0.5}, "val": [1, 2], 7: 1.0, "": 3},
            {"epoch": 6, "train": {"deep": {"er": 1}}, "note": "text"},
        ]
    }
    series = by_name(parse_metrics(raw))
    assert list(series) == ["train loss"]
    assert series["train loss"].xs == (1.0, 5.0)
    assert series["train loss"].ys == (1.0, 0.5)


@pytest.mark.parametrize(
    "raw", [None, "unexpected string", 42, [], {}, {"metrics": None}, {"taskId": 1}, [[]], [{}]]
)
def test_nothing_readable_is_empty(raw: Any):
    metrics = parse_metrics(raw)
    assert not metrics and metrics.series == () and metrics.main_series() is None


def test_random_junk_never_raises():
    rng = random.Random(5)
    leaves = [None, True, "x", "[bold]", 1, -2.5, float("nan"), float("inf"), 10**400, [], {}]
    keys = ["epoch", "step", "loss", "val_loss", "train", "val", "x", "y", "metrics", "", "é"]

    def junk(depth: int) -> Any:
        if depth > 3 or rng.random() < 0.3:
            return rng.choice(leaves)
        if rng.random() < 0.5:
            return [junk(depth + 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(keys): junk(depth + 1) for _ in range(rng.randint(0, 4))}

    for _ in range(2000):
        metrics = parse_metrics(junk(0))
        assert all(math.isfinite(v) for s in metrics.series for v in (*s.xs, *s.ys))


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        ("loss", "min"),
        ("loss_cls", "min"),
        ("error rate", "min"),
        ("RMSE", "min"),
        ("mAP@0.5", "max"),
        ("accuracy", "max"),
        ("top1_acc", "max"),
        ("mIoU", "max"),
        ("f1", "max"),
        ("lr", None),
        ("momentum", None),
    ],
)
def test_best_direction_by_name(name: str, direction: str | None):
    assert direction_of(name) == direction


# --- export ------------------------------------------------------------------------------


def test_csv_has_one_row_per_epoch_and_one_column_per_series():
    metrics = parse_metrics({"loss": [[1, 2.0], [2, 1.5]], "=cmd|calc": [[2, 0.5]]})
    rows = list(csv.reader(io.StringIO(to_csv(metrics))))
    assert rows == [["step", "loss", "'=cmd|calc"], ["1", "2.0", ""], ["2", "1.5", "0.5"]]


def test_json_holds_every_point_and_the_names_literally():
    metrics = parse_metrics({"[bold]loss[/]": [[1, 2.0], [2, 1.5]]})
    body = json.loads(to_json(9, metrics))
    assert body == {
        "task_id": 9,
        "x": "step",
        "series": [
            {
                "name": "[bold]loss[/]",
                "split": "",
                "metric": "[bold]loss[/]",
                "points": [[1, 2.0], [2, 1.5]],
            }
        ],
    }


def test_export_never_overwrites(tmp_path: Path):
    metrics = parse_metrics(EMULATOR_REPLY)
    (tmp_path / "task-7-metrics.json").write_text("mine")
    first = write_export(tmp_path, 7, metrics)
    second = write_export(tmp_path, 7, metrics)
    assert [p.name for p in first] == ["task-7-metrics-1.csv", "task-7-metrics-1.json"]
    assert [p.name for p in second] == ["task-7-metrics-2.csv", "task-7-metrics-2.json"]
    assert (tmp_path / "task-7-metrics.json").read_text() == "mine"
    assert first[0].read_text() == to_csv(metrics)
    assert {path.stat().st_mode & 0o777 for path in (*first, *second)} == {0o600}  # private


# --- the topic ---------------------------------------------------------------------------


def trained(
    emulator: Emulator, workspace_id: int = 201, epochs: int = 2, plan: Plan | None = None
) -> int:
    """A legacy train task, run until it has finished `epochs` epochs (of at least six, or
    of `plan`'s)."""
    task = start_training(emulator, workspace_id, plan)
    emulator.advance(until_epoch(emulator, task, epochs) + 1)
    return task.id


async def test_topic_emits_only_when_the_metrics_change(client: SlyClient, emulator: Emulator):
    task_id = trained(emulator)
    topic = MetricsTopic(task_id)
    events: list[object] = []
    assert await topic.poll(client, events.append) is Next.WAIT
    assert len(events) == 1 and isinstance(events[0], MetricsUpdated)
    first = events[0].metrics
    assert first and first.main_series() is not None
    await topic.poll(client, events.append)
    assert len(events) == 1  # nothing new: no event
    plan = emulator.simulator.plan_of(emulator.world.tasks[task_id])
    emulator.advance(plan.step_s * 2)
    await topic.poll(client, events.append)
    assert len(events) == 2 and events[1].metrics.points > first.points


async def test_topic_stops_after_reading_an_ended_task(client: SlyClient, emulator: Emulator):
    task_id = trained(emulator)
    topic = MetricsTopic(task_id)
    events: list[object] = []
    await topic.poll(client, events.append)
    task = emulator.world.tasks[task_id]
    emulator.advance(emulator.simulator.plan_of(task).run_s + 60)
    assert task.status in (Status.FINISHED, Status.ERROR)
    topic.ended = True  # what the pane does when the task's info says it ended
    assert await topic.poll(client, events.append) is Next.DONE
    final = events[-1].metrics
    assert len(final.main_series().ys) == len(emulator.simulator.metrics_of(task))


async def test_no_metrics_is_an_answer(client: SlyClient, emulator: Emulator):
    topic = MetricsTopic(987654)  # unknown task: the server says 404, the client None
    events: list[object] = []
    await topic.poll(client, events.append)
    assert events == [MetricsUpdated(987654, None)]


@pytest.mark.parametrize(
    "faults",
    [
        Faults(error_rate=1.0, methods=["tasks.train-metrics"]),
        # 200 replies of every kind of garbage the emulator makes, `null` included
        Faults(malformed_rate=1.0, methods=["tasks.train-metrics"]),
    ],
    ids=["error", "garbled"],
)
async def test_a_failure_is_reported_once_and_the_metrics_stay(
    client: SlyClient, emulator: Emulator, faults: Faults
):
    task_id = trained(emulator)
    topic = MetricsTopic(task_id)
    events: list[object] = []
    await topic.poll(client, events.append)
    kept = topic.metrics
    emulator.faults = faults
    for _ in range(4):
        with pytest.raises(ApiError):  # the service counts it against the connection
            await topic.poll(client, events.append)
    assert [type(e) for e in events] == [MetricsUpdated, MetricsFailed]
    assert topic.metrics == kept
    emulator.faults = Faults()
    await topic.poll(client, events.append)
    assert events[-1] == MetricsUpdated(task_id, kept)  # clears the note, same data


async def test_a_covered_chart_makes_no_request(emulator: Emulator):
    counter = Counter()
    async with counted_client(emulator, counter) as client:
        topic = MetricsTopic(trained(emulator), visible=lambda: False)
        assert await topic.poll(client, lambda event: None) is Next.IDLE
        assert counter.take() == []


# --- trends in the task list -------------------------------------------------------------


class Clock:
    """The topic's clock, moved by hand: one poll interval per tick."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


INTERVAL = 2.0  # the app's default poll interval


async def test_trends_are_read_one_task_a_tick_each_at_most_every_trend_every():
    """At 10,000 finished tasks a tick is the active list plus at most one more request;
    each running training's trend is read when its turn comes, at most every TREND_EVERY
    seconds, and only for the tasks shown."""
    emulator = Emulator(seed=3, clock=ManualClock(FROZEN_NOW), big_workspace_tasks=10_000)
    workspace = emulator.load_test_workspace_id
    assert workspace is not None
    # runs well past the two minutes of ticks below (the drawn plans may end sooner)
    long = Plan(
        "train", 2, 2, steps=60, step_s=10, units=100, fails=False, ckpt_every=10, heartbeat_s=5
    )
    legacy = trained(emulator, workspace, plan=long)
    counter = Counter()
    clock = Clock()
    transport = Recorded(emulator)
    async with counted_client(emulator, counter, transport) as client:
        topic = TaskListTopic(workspace, clock=clock)
        events: list[object] = []
        await topic.poll(client, events.append)  # the sweep reads no metrics
        assert "tasks.train-metrics" not in counter.take()
        reads: dict[int, list[float]] = {}
        for _ in range(int(2 * TREND_EVERY / INTERVAL)):
            clock.now += INTERVAL
            emulator.advance(INTERVAL)
            transport.sent.clear()
            await topic.poll(client, events.append)
            methods = counter.take()
            assert methods[0] == "tasks.list" and len(methods) <= 2
            for body in transport.take("tasks.train-metrics"):
                reads.setdefault(body["taskId"], []).append(clock.now)
            if reads.get(legacy) == [clock.now]:  # just read: the emulator's latest losses
                ours = emulator.simulator.metrics_of(emulator.world.tasks[legacy])
                loss = tuple(p["train"]["loss"] for p in ours[-TREND_POINTS:])
                assert topic.trends[legacy].trend == loss
                assert topic.trends[legacy].metric == "train loss"
        assert legacy in reads
        for times in reads.values():
            assert all(b - a >= TREND_EVERY for a, b in itertools.pairwise(times))
        assert all(0 < len(v.trend) <= TREND_POINTS for v in topic.trends.values())
        epochs = topic.trends[legacy].epochs  # from the log's progress records, read in turn
        plan = emulator.simulator.plan_of(emulator.world.tasks[legacy])
        assert epochs is not None and epochs.total == plan.steps
        first = next(e for e in events if isinstance(e, TrendsChanged))
        assert legacy in first.trends

        topic.show([t for t in topic.tasks if t != legacy])  # its row scrolled away
        for _ in range(int(2 * TREND_EVERY / INTERVAL)):
            clock.now += INTERVAL
            emulator.advance(INTERVAL)
            await topic.poll(client, events.append)
        assert all(body["taskId"] != legacy for body in transport.take("tasks.train-metrics"))


async def test_a_training_that_ended_loses_its_trend(emulator: Emulator):
    counter = Counter()
    clock = Clock()
    async with counted_client(emulator, counter) as client:
        task_id = trained(emulator)
        topic = TaskListTopic(201, clock=clock)
        events: list[object] = []
        await topic.poll(client, events.append)
        await topic.poll(client, events.append)  # the first trend read: this task's
        assert task_id in topic.trends
        plan = emulator.simulator.plan_of(emulator.world.tasks[task_id])
        emulator.advance(plan.run_s + 60)
        clock.now += TREND_EVERY
        await topic.poll(client, events.append)
        assert task_id not in topic.trends
        last = [e for e in events if isinstance(e, TrendsChanged)][-1]
        assert last.trends[task_id] is None
