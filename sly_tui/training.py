"""A training's overall progress: which epoch of how many, and when it should end.

Training apps report progress the SDK's way, with `sly.Progress` records in the log
(`subtask`, `current`, `total`). Most report the *current epoch's* steps, under a subtask
that names the epoch ("Epoch 40/360: train"), so the latest record alone flips between a
few percent and 100 % every epoch. Others keep a subtask that counts the epochs
themselves ("Epochs", 40 of 360). Either way the epoch and the number of epochs are in
the records; this module reads them. The ETA extrapolates the run time so far.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sly_tui.api import ProgressRecord
from sly_tui.present import duration

# "Epoch 40/360: train", "epoch 40 of 360", "Train epoch [40/360]"
_EPOCH_OF = re.compile(r"\bepoch\W{0,3}(\d+)\s*(?:/|of)\s*(\d+)", re.IGNORECASE)
# A subtask that counts the epochs: "Epochs", "Epoch", "Training epochs"
_EPOCHS = re.compile(r"^\W*(?:train(?:ing)?\s+)?epochs?\W*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EpochProgress:
    """`done` epochs (fractional: 39.5 is half-way through the 40th) of `total`."""

    epoch: int  # the epoch in progress, or the last one once all are done
    total: int
    done: float

    @property
    def fraction(self) -> float:
        return max(0.0, min(1.0, self.done / self.total))

    def eta(self, started_at: datetime | None, now: datetime) -> float | None:
        """Seconds left at the pace so far; None before the first epoch made headway."""
        if started_at is None or not 0 < self.fraction < 1:
            return None
        elapsed = (now - started_at).total_seconds()
        return elapsed * (1 - self.fraction) / self.fraction if elapsed > 0 else None

    def text(self, eta: float | None) -> str:
        """`epoch 40/360 (11%), ETA 2h10m`, for the Overview and `sly-tui task`."""
        line = f"epoch {self.epoch}/{self.total} ({self.fraction * 100:.0f}%)"
        return f"{line}, ETA {duration(eta)}" if eta is not None else line

    def cell(self, eta: float | None) -> str:
        """`40/360 ETA 2h10m`, for the list's PROGRESS column."""
        cell = f"{self.epoch}/{self.total}"
        return f"{cell} ETA {duration(eta)}" if eta is not None else cell


def epoch_progress(records: Iterable[ProgressRecord]) -> EpochProgress | None:
    """The overall progress told by the latest record that names epochs (records come
    oldest first), or None when none does."""
    found: EpochProgress | None = None
    for record in records:
        found = _read(record) or found
    return found


def _read(record: ProgressRecord) -> EpochProgress | None:
    subtask = record.subtask or ""
    if match := _EPOCH_OF.search(subtask):
        epoch, total = int(match[1]), int(match[2])
        if not 0 < epoch <= total:
            return None
        return EpochProgress(epoch, total, epoch - 1 + (record.fraction or 0.0))
    if _EPOCHS.match(subtask) and record.total and record.current is not None:
        done = max(0, min(record.current, record.total))
        return EpochProgress(min(done + 1, record.total), record.total, float(done))
    return None
