"""The one bridge from the polling service to the UI (`sly_tui.ui.bridge.Subscriber`): a
covered screen and a hidden tab skip their turns, showing them again resumes polling, and
what closes stops polling and leaves the monitor."""

from __future__ import annotations

import pytest

from sly_tui.demo import Emulator
from sly_tui.monitor.service import Subscription
from sly_tui.ui.app import SlyApp
from sly_tui.ui.forms.stop import StopModal
from sly_tui.ui.panes.checkpoints import CheckpointsPane
from sly_tui.ui.screens.task_list import TaskListScreen
from sly_tui.ui.targets import Target

from . import test_form_output as kit
from .helpers import press, wait_for
from .test_checkpoints import peaked_task


@pytest.fixture
def app(make_app, emulator: Emulator) -> SlyApp:
    return make_app(team_id=101, workspace_id=201)


def forgotten(app: SlyApp, subscription: Subscription) -> bool:
    """The monitor no longer holds `subscription` (it has no public list of them)."""
    assert app.monitor is not None
    return subscription not in app.monitor._subscriptions


async def test_a_covered_screen_pauses_and_a_closed_one_leaves(app, emulator: Emulator):
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await kit.open_detail(pilot, peaked_task(emulator).id)
        listing = app.screen_stack[-2]
        assert isinstance(listing, TaskListScreen)
        assert listing.subscription is not None and listing.subscription.paused
        watched = detail.subscription
        assert watched is not None and not watched.paused

        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is listing)
        assert not listing.subscription.paused
        assert watched.paused and detail.subscription is None
        await wait_for(pilot, lambda: forgotten(app, watched))


async def test_a_hidden_tab_pauses_and_showing_it_resumes(app, emulator: Emulator):
    async with app.run_test(size=(100, 30)) as pilot:
        detail = await kit.open_detail(pilot, peaked_task(emulator).id)
        pane = detail.query_one(CheckpointsPane)
        assert pane.subscription is None  # never shown, never polled
        await press(pilot, "5")
        await wait_for(pilot, lambda: pane.checkpoints is not None)
        subscription = pane.subscription
        assert subscription is not None and not subscription.paused

        await press(pilot, "1")
        await wait_for(pilot, lambda: subscription.paused)
        await press(pilot, "5")
        await wait_for(pilot, lambda: not subscription.paused)
        assert pane.subscription is subscription  # resumed, not subscribed twice


async def test_a_form_fed_by_the_monitor_leaves_it_when_closed(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TaskListScreen))
        listing = app.screen
        await wait_for(pilot, lambda: listing.loaded)
        active = next(task for task in listing.table.tasks.values() if task.is_active)
        app.push_screen(StopModal(Target(tasks=(active,))))
        await wait_for(pilot, lambda: isinstance(app.screen, StopModal))
        form = app.screen
        await wait_for(pilot, lambda: form.subscription is not None)  # once mounted
        watched = form.subscription
        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is listing)
        await wait_for(pilot, lambda: forgotten(app, watched))
