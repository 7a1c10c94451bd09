"""The emulator's training curves look like training: loss down, mAP up, a few runs that
blow up, the same every time for a seed."""

from __future__ import annotations

import itertools
import math
import random
from statistics import fmean
from typing import Any

from sly_tui.demo import Emulator, ManualClock
from sly_tui.demo.scripts import curve, make_plan
from sly_tui.demo.world import Task

from ..conftest import FROZEN_NOW


def ended_runs(emulator: Emulator) -> list[Task]:
    """Training runs (legacy or app) that went through every epoch before the start."""
    return [
        t
        for t in emulator.world.tasks.values()
        if emulator.simulator.plan_of(t).kind == "train" and t.status in ("finished", "error")
    ]


def thirds(values: list[float]) -> tuple[float, float]:
    third = max(1, len(values) // 3)
    return fmean(values[:third]), fmean(values[-third:])


def learns(points: list[dict[str, Any]]) -> bool:
    """Loss lower and mAP higher in the last third of the epochs than in the first."""
    loss_early, loss_late = thirds([p["train"]["loss"] for p in points])
    map_early, map_late = thirds([p["val"]["mAP"] for p in points])
    return loss_late < loss_early and map_late > map_early


def test_runs_of_the_seeded_world_learn_and_a_few_diverge(emulator: Emulator):
    runs = ended_runs(emulator)
    assert len(runs) >= 10
    diverging = [t for t in runs if emulator.simulator.plan_of(t).diverges]
    steady = [t for t in runs if t not in diverging]
    assert 0 < len(diverging) < len(runs) / 2
    for task in runs:
        points = emulator.simulator.metrics_of(task)
        assert [p["epoch"] for p in points] == list(range(1, len(points) + 1))
        values = [v for p in points for split in ("train", "val") for v in p[split].values()]
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), task.id
    assert all(learns(emulator.simulator.metrics_of(t)) for t in steady)
    for task in diverging:
        loss = [p["train"]["loss"] for p in emulator.simulator.metrics_of(task)]
        assert loss[-1] > 2 * min(loss), loss  # it blew up, finitely


def test_curves_are_noisy_not_monotonic():
    """Real loss curves wiggle: across many runs some epochs go up before going down."""
    wiggles = 0
    for task_id in range(1, 201):
        plan = make_plan(1, task_id, "train")
        if plan.diverges:
            continue
        points = list(curve(plan.steps, False, random.Random(task_id)))
        loss = [p.train_loss for p in points]
        wiggles += any(b > a for a, b in itertools.pairwise(loss))
        assert all(p.val_loss > p.train_loss for p in points)  # validation sits above
        lr = [p.lr for p in points]
        assert lr == sorted(lr, reverse=True)  # a decaying schedule
    assert wiggles > 20


def test_about_one_run_in_seven_diverges():
    plans = [make_plan(1, task_id, "train") for task_id in range(1, 1001)]
    share = sum(p.diverges for p in plans) / len(plans)
    assert 0.08 < share < 0.25
    assert not any(make_plan(1, i, "import").diverges for i in range(1, 200))


def test_the_same_seed_gives_the_same_curves():
    def curves(seed: int) -> dict[int, list[dict[str, Any]]]:
        emulator = Emulator(seed=seed, clock=ManualClock(FROZEN_NOW))
        return {t.id: emulator.simulator.metrics_of(t) for t in ended_runs(emulator)}

    first = curves(1)
    assert first == curves(1)
    assert first != curves(2)
