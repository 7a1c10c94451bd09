"""A training's overall progress from its progress records: epoch of epochs and an ETA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sly_tui.api import ProgressRecord
from sly_tui.training import EpochProgress, epoch_progress

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def record(subtask: str | None, current: int | None, total: int | None) -> ProgressRecord:
    return ProgressRecord(subtask, current, total, None, None)


def test_the_epoch_named_in_a_per_epoch_subtask_gives_the_whole_run():
    """The steps of epoch 40 flip between 50 % and 100 %; the run is at 39.5 of 360."""
    half = epoch_progress([record("Epoch 40/360: train", 50, 100)])
    assert half == EpochProgress(40, 360, 39.5)
    assert half.text(None) == "epoch 40/360 (11%)"
    done = epoch_progress([record("Epoch 40/360: train", 100, 100)])
    assert done is not None and done.done == 40 and done.cell(None) == "40/360"


@pytest.mark.parametrize(
    ("subtask", "current", "total", "expected"),
    [
        ("Epochs", 40, 360, EpochProgress(41, 360, 40.0)),
        ("Training epochs", 360, 360, EpochProgress(360, 360, 360.0)),
        ("train epoch [7/12]", 3, 10, EpochProgress(7, 12, 6.3)),
        ("epoch 3 of 5", None, None, EpochProgress(3, 5, 2.0)),
        ("Epoch 0/10", 1, 2, None),  # no such epoch
        ("Epoch 11/10", 1, 2, None),
        ("Epochs", None, 10, None),
        ("Downloading model weights", 5, 10, None),
        ("Iterations", 40, 360, None),
        (None, 1, 2, None),
    ],
)
def test_what_counts_as_epochs(subtask, current, total, expected):
    found = epoch_progress([record(subtask, current, total)])
    if expected is None:
        assert found is None
    else:
        assert found is not None and (found.epoch, found.total) == (expected.epoch, expected.total)
        assert found.done == pytest.approx(expected.done)


def test_the_latest_record_that_names_epochs_wins():
    records = [
        record("Epoch 2/10: train", 100, 100),
        record("Epoch 3/10: train", 20, 100),
        record("Saving checkpoint", 1, 1),  # names no epoch: the one before stands
    ]
    assert epoch_progress(records) == EpochProgress(3, 10, 2.2)
    assert epoch_progress([]) is None


def test_eta_extrapolates_the_time_so_far():
    quarter = EpochProgress(3, 12, 3.0)
    assert quarter.eta(T0, T0 + timedelta(hours=1)) == pytest.approx(3 * 3600)
    assert quarter.text(3 * 3600) == "epoch 3/12 (25%), ETA 3h00m"
    assert quarter.cell(3 * 3600) == "3/12 ETA 3h00m"
    assert quarter.eta(None, T0) is None  # not started
    assert EpochProgress(1, 12, 0.0).eta(T0, T0 + timedelta(hours=1)) is None  # no pace yet
    assert EpochProgress(12, 12, 12.0).eta(T0, T0 + timedelta(hours=1)) is None  # done
