"""What the task list shows of a running training: its main metric's recent values (for a
sparkline named after the metric) and its overall progress in epochs with an ETA.

Both come from what the API documents: the metrics from `tasks.train-metrics`, the epochs
from the `sly.Progress` records in the log (`sly_tui.training`). Each is one request, so
the list's tick can spend its budget on one of them at a time. The log is read
incrementally with a `LogCursor`, starting `FIRST_TAIL` before now, so each read costs one
`tasks.log.download` of the lines written since the last one, never the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sly_tui.api import ApiError, ProgressRecord, SlyClient, TaskInfo
from sly_tui.monitor.log_cursor import LogCursor
from sly_tui.monitor.metrics import parse_metrics
from sly_tui.monitor.task_detail import LOG_PAGE, note_progress
from sly_tui.training import EpochProgress, epoch_progress

TREND_POINTS = 8  # values per trend
FIRST_TAIL = timedelta(minutes=10)  # of the log, read when a training is first seen


@dataclass(frozen=True, slots=True)
class Training:
    """A running training as the list shows it."""

    metric: str = ""  # the trend's series ("train loss"): untrusted text, shown literally
    trend: tuple[float, ...] = ()
    epochs: EpochProgress | None = None  # the ETA is the table's to work out, as time passes

    def __bool__(self) -> bool:
        return bool(self.trend or self.epochs)


class TrainingReader:
    """Reads running trainings, remembering where each one's log was read up to."""

    def __init__(self) -> None:
        self._cursors: dict[int, LogCursor] = {}
        self._records: dict[int, dict[str | None, ProgressRecord]] = {}

    def keep_only(self, task_ids: set[int]) -> None:
        """Forget the trainings no longer read (ended, or no longer in the list)."""
        for task_id in self._cursors.keys() - task_ids:
            del self._cursors[task_id]
            self._records.pop(task_id, None)

    async def read_metrics(self, client: SlyClient, task: TaskInfo, last: Training) -> Training:
        """Its main metric's recent values, in one `tasks.train-metrics`; what cannot be read
        now stays as it was (a missing sparkline is not worth failing the list for)."""
        try:
            raw = await client.tasks.get_training_metrics(task.id)
        except ApiError:
            return last
        series = parse_metrics(raw).main_series() if raw is not None else None
        metric, trend = (series.name, series.ys[-TREND_POINTS:]) if series else ("", ())
        return replace(last, metric=metric, trend=trend)

    async def read_epochs(self, client: SlyClient, task: TaskInfo, last: Training) -> Training:
        """Its epochs, from the log lines written since the last read (one
        `tasks.log.download`); what cannot be read now stays as it was."""
        records = self._records.setdefault(task.id, {})
        first = client.server_clock.now() - FIRST_TAIL
        cursor = self._cursors.setdefault(task.id, LogCursor(first))
        try:
            batch = await client.tasks.get_logs(task.id, since_time=cursor.since, limit=LOG_PAGE)
        except ApiError:
            return last
        note_progress(records, cursor.accept(batch))
        return replace(last, epochs=epoch_progress(records.values()))
