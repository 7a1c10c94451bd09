"""The Metrics tab: charts with latest and best values that grow live, the block toggle,
export, hostile names, failures, the list's sparklines, and snapshots at 80x24 and 160x48."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
from textual import events
from textual.widgets import TabbedContent
from textual_plot import HiResMode

from sly_tui.demo import Emulator
from sly_tui.demo.factory import new_task
from sly_tui.demo.faults import Faults
from sly_tui.demo.seed_data import ADMIN_USER_ID
from sly_tui.enums import Status
from sly_tui.ui.panes.metrics import EMPTY, MetricsPane
from sly_tui.ui.screens.task_detail import TaskDetailScreen
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.widgets.metric_chart import ASCII_ENV, MetricChart, MetricPlot
from sly_tui.ui.widgets.task_table import SPARKS

from ..monitor.test_metrics import trained
from .helpers import Notes, press, screen_text, settle, wait_for, widget_lines

HOSTILE = "[bold]x[/] [@click=app.quit]q[/] \x1b]2;PWNED\x07\x1b[31mred\x1b[0m"
SHOWN = "[bold]x[/] [@click=app.quit]q[/] red"


@pytest.fixture
def app(make_app, emulator: Emulator):
    return make_app(team_id=101, workspace_id=201, clock=emulator.clock.now)


@pytest.fixture(autouse=True)
def braille(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the default line mode (the toggle is remembered per session)."""
    monkeypatch.delenv(ASCII_ENV, raising=False)
    monkeypatch.setattr(MetricsPane, "chosen_blocks", None)


async def open_metrics(pilot, task_id: int) -> MetricsPane:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
    pilot.app.push_screen(TaskDetailScreen(task_id))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskDetailScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.info is not None)
    await pilot.press("4")
    pane = screen.query_one(MetricsPane)
    await wait_for(pilot, lambda: pane.answered or pane.failure is not None)
    await settle(pilot)
    return pane


def charts(pane: MetricsPane) -> dict[str, MetricChart]:
    return {chart.family: chart for chart in pane.query(MetricChart)}


def key_text(chart: MetricChart) -> str:
    return "\n".join(widget_lines(chart.query_one("#chart-key")))


def note(pane: MetricsPane) -> str:
    return str(pane.query_one("#metrics-note").render())


def server_points(emulator: Emulator, task_id: int) -> list[dict]:
    return emulator.simulator.metrics_of(emulator.world.tasks[task_id])


async def test_a_running_training_shows_its_charts(app, emulator: Emulator):
    task_id = trained(emulator, epochs=4)
    points = server_points(emulator, task_id)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await open_metrics(pilot, task_id)
        assert list(charts(pane)) == ["loss", "map", "lr"]
        loss = charts(pane)["loss"]
        assert [s.name for s in loss.series] == ["train loss", "val loss"]
        train = [p["train"]["loss"] for p in points]
        text = key_text(loss)
        assert loss.number(train[-1]) in text  # latest
        best_epoch = train.index(min(train)) + 1
        assert f"{loss.number(min(train))} ({best_epoch})" in text  # best and where
        mean_ap = [p["val"]["mAP"] for p in points]
        map_chart = charts(pane)["map"]
        best_map = f"{map_chart.number(max(mean_ap))} ({mean_ap.index(max(mean_ap)) + 1})"
        assert best_map in key_text(map_chart)
        assert "epoch 4" in note(pane) and "live" in note(pane)
        plot = loss.query_one(MetricPlot)
        assert [len(d.x) for d in plot.datasets] == [4, 4]
        assert "lower is better" in screen_text(pilot)
        assert pane.query_one("#metrics-charts").max_scroll_y == 0  # all three share the height


async def test_the_chart_grows_live(app, emulator: Emulator):
    task_id = trained(emulator, epochs=2)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        loss = charts(pane)["loss"]
        before = loss.series[0]
        assert len(before.ys) == 2
        plan = emulator.simulator.plan_of(emulator.world.tasks[task_id])
        emulator.advance(2 * plan.step_s)
        app.action_refresh()
        await wait_for(pilot, lambda: len(loss.series[0].ys) == 4)
        await settle(pilot)
        after = loss.series[0]
        assert after.latest() != before.latest()
        assert len(loss.query_one(MetricPlot).datasets[0].x) == 4
        assert loss.number(after.ys[-1]) in key_text(loss)
        assert "epoch 4" in note(pane)
        await settle(pilot)


async def test_polling_stops_once_the_ended_task_was_read(app, emulator: Emulator):
    task_id = trained(emulator, epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        task = emulator.world.tasks[task_id]
        emulator.advance(emulator.simulator.plan_of(task).run_s + 30)
        assert task.status in (Status.FINISHED, Status.ERROR)
        app.action_refresh()
        subscription = pane.subscription
        assert subscription is not None
        await wait_for(pilot, lambda: subscription.done)
        assert len(charts(pane)["loss"].series[0].ys) == len(server_points(emulator, task_id))
        assert "final" in note(pane)
        await settle(pilot)


async def test_small_terminals_stack_the_charts_and_the_wheel_scrolls(app, emulator: Emulator):
    task_id = trained(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_metrics(pilot, task_id)
        loss, mean_ap, _ = charts(pane).values()
        assert all(chart.has_class("-narrow") for chart in charts(pane).values())
        plot, key = loss.query_one(MetricPlot), loss.query_one("#chart-key")
        assert key.region.y >= plot.region.bottom  # the key under the plot, not beside it
        assert mean_ap.region.y >= loss.region.bottom
        box = pane.query_one("#metrics-charts")
        assert box.scroll_y == 0
        wheel = events.MouseScrollDown(plot, 5, 5, 0, 1, 0, False, False, False)
        plot.post_message(wheel)
        await wait_for(pilot, lambda: box.scroll_y > 0)


async def test_blocks_for_fonts_without_braille(app, emulator: Emulator):
    task_id = trained(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)

        def modes() -> set[HiResMode | None]:
            plots = [chart.query_one(MetricPlot) for chart in charts(pane).values()]
            return {dataset.hires_mode for plot in plots for dataset in plot.datasets}

        assert modes() == {HiResMode.BRAILLE}
        await press(pilot, "b")
        assert modes() == {HiResMode.HALFBLOCK}
        assert "▀▀ train loss" in key_text(charts(pane)["loss"])
        assert "blocks" in note(pane)
        await pilot.press("b")
        assert modes() == {HiResMode.BRAILLE}


async def test_lines_take_the_theme_colours(app, emulator: Emulator):
    task_id = trained(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        plot = charts(pane)["loss"].query_one(MetricPlot)

        def colours() -> list[str]:
            return [dataset.line_style for dataset in plot.datasets]

        variables = app.theme_variables
        assert colours() == [variables["primary"], variables["warning"]]  # train, val
        app.theme = "high-contrast"
        await settle(pilot)
        variables = app.theme_variables
        assert colours() == [variables["primary"], variables["warning"]]
        assert variables["primary"] != app.get_theme("supervisely-dark").primary


async def test_the_environment_asks_for_blocks(app, emulator: Emulator, monkeypatch):
    monkeypatch.setenv(ASCII_ENV, "1")
    task_id = trained(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        plot = charts(pane)["loss"].query_one(MetricPlot)
        assert {d.hires_mode for d in plot.datasets} == {HiResMode.HALFBLOCK}


async def test_export_writes_csv_and_json(app, emulator: Emulator, monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    task_id = trained(emulator, epochs=3)
    points = server_points(emulator, task_id)
    notes = Notes()
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes) as pilot:
        await open_metrics(pilot, task_id)
        await pilot.press("e")
        await wait_for(pilot, lambda: notes.said("saved"))
        await pilot.press("e")
        await wait_for(pilot, lambda: (tmp_path / f"task-{task_id}-metrics-1.json").exists())
    rows = list(csv.reader((tmp_path / f"task-{task_id}-metrics.csv").open()))
    assert rows[0] == ["epoch", "train loss", "train lr", "val loss", "val mAP"]
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]
    assert [float(row[1]) for row in rows[1:]] == [p["train"]["loss"] for p in points]
    body = json.loads((tmp_path / f"task-{task_id}-metrics.json").read_text())
    assert body["task_id"] == task_id and len(body["series"]) == 4
    assert (tmp_path / f"task-{task_id}-metrics-1.csv").read_text() == (
        tmp_path / f"task-{task_id}-metrics.csv"
    ).read_text()


async def test_a_task_without_metrics_has_no_metrics_tab(app, emulator: Emulator):
    export = min(t.id for t in emulator.world.tasks.values() if t.type == "export")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TaskListScreen))
        app.push_screen(TaskDetailScreen(export))
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.info is not None)
        await press(pilot, "4")
        tabs = screen.query_one(TabbedContent)
        assert tabs.active != "metrics" and not tabs.get_tab("metrics").display
        assert screen.query_one(MetricsPane).subscription is None  # never polled


async def test_a_training_without_metrics_yet_says_so(app, emulator: Emulator):
    task_id = trained(emulator, epochs=0)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        assert note(pane) == EMPTY and not charts(pane)


def hostile_training(emulator: Emulator) -> int:
    """A running train task whose metric names carry markup and escape sequences."""
    task = new_task(
        emulator.world,
        type="train",
        workspace_id=201,
        user_id=ADMIN_USER_ID,
        created_at=emulator.clock.now(),
        name="hostile-metrics",
        simulated=False,
    )
    task.status = Status.STARTED
    task.metrics = [
        {"epoch": e, "train": {HOSTILE: 1.0 / e, "loss": 2.0 / e}, HOSTILE: {"loss": 3.0 / e}}
        for e in (1, 2, 3)
    ]
    return task.id


async def test_hostile_metric_names_render_literally(app, emulator: Emulator):
    task_id = hostile_training(emulator)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await open_metrics(pilot, task_id)
        names = {s.name for c in charts(pane).values() for s in c.series}
        assert f"train {HOSTILE}" in names
        text = screen_text(pilot)
        assert SHOWN in text and "\x1b" not in text and "PWNED" not in text
        assert app.is_running  # the [@click=app.quit] was not a link


async def test_a_failed_read_keeps_the_chart_and_says_so(app, emulator: Emulator):
    task_id = trained(emulator, epochs=3)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_metrics(pilot, task_id)
        shown = charts(pane)["loss"].series
        emulator.faults = Faults(error_rate=1.0, methods=["tasks.train-metrics"])
        app.action_refresh()
        await wait_for(pilot, lambda: pane.failure is not None)
        await settle(pilot)
        assert note(pane).startswith("Could not read the metrics")
        assert "last metrics" in note(pane)
        assert charts(pane)["loss"].series == shown
        emulator.faults = Faults()
        app.action_refresh()
        await wait_for(pilot, lambda: pane.failure is None)
        assert "epoch 3" in note(pane)


async def test_running_trainings_have_a_sparkline_in_the_list(make_app, emulator: Emulator):
    task_id = trained(emulator, epochs=3)
    app = make_app(team_id=101, workspace_id=201, clock=emulator.clock.now, interval=0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        table = app.screen.table

        def read() -> bool:  # its trend and its epochs: two reads, each in its turn
            training = table.trends.get(task_id)
            return bool(training and training.trend and training.epochs)

        await wait_for(pilot, read)
        await settle(pilot)
        lines = widget_lines(table)
        assert "train loss" in lines[0]  # the column is named after the metric it draws
        row = next(line for line in lines if line.strip().startswith(str(task_id)))
        epochs = emulator.simulator.plan_of(emulator.world.tasks[task_id]).steps
        assert f"3/{epochs} ETA " in row  # epochs of the whole run, not the epoch's steps
        loss = [p["train"]["loss"] for p in server_points(emulator, task_id)]
        spark = "".join(c for c in row if c in SPARKS)
        assert len(spark) == len(loss) and spark[0] == SPARKS[-1]  # highest loss first
        finished = next(line for line in lines[1:] if "finished" in line)
        assert not any(c in SPARKS for c in finished)


# --- snapshots ---------------------------------------------------------------------------

SIZES = [(80, 24), (160, 48)]


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_metrics_tab_snapshot(snap_compare, app, emulator: Emulator, utc, size) -> None:
    task_id = trained(emulator, epochs=6)

    async def metrics_shown(pilot) -> None:
        await open_metrics(pilot, task_id)

    assert snap_compare(app, terminal_size=size, run_before=metrics_shown)
