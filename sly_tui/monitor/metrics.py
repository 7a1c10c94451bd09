"""Training metrics: the server's reply turned into named series, and a topic that polls it.

The shape of `tasks.train-metrics` is undocumented, so `parse_metrics` reads what it can
and skips the rest instead of failing: a list of points (`{"epoch", "train": {"loss"}, …}`
or flat `{"epoch", "val_loss"}`), optionally under `"metrics"`, or a dict of series name →
list of values, of `{x, y}` or of `[x, y]`. NaN, infinities, booleans, strings and missing
keys are dropped point by point. Names come from the server and stay untrusted text:
whoever shows them must render them literally.

`MetricsTopic` polls one task's metrics while someone looks at them, publishes only when
the parsed series changed, and stops once the task has ended and its final metrics were
read.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sly_tui.api import ApiError, SlyClient, TaskInfo
from sly_tui.monitor.events import MetricsFailed, MetricsUpdated
from sly_tui.monitor.service import Next, Sink
from sly_tui.secrets import create_private
from sly_tui.text import one_line

MAX_SERIES = 32  # more than this many metrics in one reply: the rest are ignored
MAX_POINTS = 50_000  # per series; the newest are kept
PARSE_INLINE = 2_000  # points; bigger replies are parsed off the event loop
METHOD = "tasks.train-metrics"

X_KEYS = ("epoch", "iteration", "iter", "step", "x")
# Keys of a point that are not metrics (besides the x keys).
_NOT_METRICS = frozenset(
    {"timestamp", "time", "date", "datetime", "wall_time", "created_at", "createdat"}
    | {"taskid", "task_id", "id"}
)
_SPLITS = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "test": "test",
    "eval": "eval",
}
_SPLIT_NAMES = "|".join(sorted(_SPLITS, key=len, reverse=True))
_PREFIX = re.compile(rf"^({_SPLIT_NAMES})[\s_./:-]+(.+)$", re.IGNORECASE)
_SUFFIX = re.compile(rf"^(.+?)[\s_./:-]+({_SPLIT_NAMES})$", re.IGNORECASE)
_TOKENS = re.compile(r"[a-z0-9]+")
# A metric is "lower is better" or "higher is better" when one of its name's tokens
# starts with one of these; `lr` and the like are neither and get no "best".
_LOWER = ("loss", "err", "mse", "mae", "rmse", "perplexity", "ppl", "wer", "cer", "dist")
_HIGHER = (
    "acc", "map", "ap", "iou", "miou", "f1", "precision", "recall", "auc", "dice",
    "score", "top1", "top5",
)  # fmt: skip
_SPLIT_ORDER = ("train", "val", "eval", "test")

Direction = Literal["min", "max"] | None


def direction_of(metric: str) -> Direction:
    """Whether the smallest ("min") or the largest ("max") value of `metric` is the best."""
    tokens = _TOKENS.findall(metric.casefold())
    if any(token.startswith(_LOWER) for token in tokens):
        return "min"
    if any(token.startswith(_HIGHER) for token in tokens):
        return "max"
    return None


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart: `metric` (as the server spells it) of one `split` over x."""

    metric: str
    split: str  # "train", "val", "eval", "test", another group name, or "" for none
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    @property
    def name(self) -> str:
        return f"{self.split} {self.metric}" if self.split else self.metric

    @property
    def family(self) -> str:
        """Series of one family share a chart (train loss and val loss)."""
        return self.metric.casefold()

    @property
    def direction(self) -> Direction:
        return direction_of(self.metric)

    def latest(self) -> tuple[float, float] | None:
        return (self.xs[-1], self.ys[-1]) if self.ys else None

    def best(self) -> tuple[float, float] | None:
        """(x, value) of the best point, the earliest on a tie; None if "best" means nothing."""
        direction = self.direction
        if direction is None or not self.ys:
            return None
        pick = min if direction == "min" else max
        index = pick(range(len(self.ys)), key=lambda i: self.ys[i])
        return self.xs[index], self.ys[index]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every series of one reply; `x_label` names the x axis ("epoch", "iteration" …)."""

    series: tuple[Series, ...] = ()
    x_label: str = "epoch"

    def __bool__(self) -> bool:
        return any(s.ys for s in self.series)

    @property
    def points(self) -> int:
        return sum(len(s.ys) for s in self.series)

    def families(self) -> list[tuple[str, list[Series]]]:
        """Series grouped per chart: losses first, then accuracy-like, then the rest (lr);
        within a group in the order the server sent them, train before val."""
        groups: dict[str, list[Series]] = {}
        for series in self.series:
            groups.setdefault(series.family, []).append(series)
        rank = {"min": 0, "max": 1, None: 2}
        ordered = sorted(groups.items(), key=lambda item: rank[item[1][0].direction])
        for _, members in ordered:
            members.sort(key=_split_rank)
        return ordered

    def main_series(self) -> Series | None:
        """The one series a one-line trend shows: train loss, else any loss, else the first."""
        candidates = [s for s in self.series if s.ys]
        for wanted in (
            lambda s: s.direction == "min" and s.split == "train",
            lambda s: s.direction == "min",
            lambda s: True,
        ):
            for series in candidates:
                if wanted(series):
                    return series
        return None


def _split_rank(series: Series) -> int:
    split = series.split
    return _SPLIT_ORDER.index(split) if split in _SPLIT_ORDER else len(_SPLIT_ORDER)


# --- parsing ---------------------------------------------------------------------------


def parse_metrics(raw: Any) -> Metrics:
    """Series from any reply shape we understand; never raises on odd data."""
    body = raw.get("metrics", raw) if isinstance(raw, Mapping) else raw
    if isinstance(body, list):
        if body and _number(body[0]) is not None:
            return _collect({("", "value"): list(_indexed(body))}, "step")
        return _from_points(body)
    if isinstance(body, Mapping):
        return _from_series_dict(body)
    return Metrics()


def _from_points(points: list[Any]) -> Metrics:
    """A list of per-step records; x is the first of `X_KEYS` they carry, else their index."""
    records = [p for p in points if isinstance(p, Mapping)]
    x_key = next((k for k in X_KEYS if any(k in p for p in records[:50])), None)
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for index, point in enumerate(records, start=1):
        x = _number(point.get(x_key)) if x_key else float(index)
        if x is None:
            continue  # a point without its x cannot be placed
        for split, metric, value in _values(point):
            found.setdefault((split, metric), []).append((x, value))
    return _collect(found, x_key or "step")


def _values(point: Mapping[Any, Any]) -> Iterator[tuple[str, str, float]]:
    """(split, metric, value) of one record: nested `{"train": {"loss": 1}}` or flat keys."""
    for key, value in point.items():
        if not isinstance(key, str) or key.casefold() in _NOT_METRICS or key in X_KEYS:
            continue
        if isinstance(value, Mapping):
            group = _SPLITS.get(key.casefold(), key)
            for inner, leaf in value.items():
                number = _number(leaf)
                if isinstance(inner, str) and number is not None:
                    yield group, inner, number
        elif (number := _number(value)) is not None:
            yield (*_split_name(key), number)


def _from_series_dict(body: Mapping[Any, Any]) -> Metrics:
    """`{name: [values | {x, y} | [x, y]]}`, one level of `{group: {name: [...]}}` allowed."""
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for key, value in body.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, list):
            found[_split_name(key)] = list(_indexed(value))
        elif isinstance(value, Mapping):
            group = _SPLITS.get(key.casefold(), key)
            for inner, values in value.items():
                if isinstance(inner, str) and isinstance(values, list):
                    found[(group, inner)] = list(_indexed(values))
    return _collect(found, "step")


def _indexed(values: list[Any]) -> Iterator[tuple[float, float]]:
    """Points of one series: bare numbers take their position (from 1) as x."""
    for index, item in enumerate(values, start=1):
        if isinstance(item, Mapping):
            x = _number(next((item[k] for k in ("x", *X_KEYS) if k in item), index))
            y = _number(next((item[k] for k in ("y", "value") if k in item), None))
        elif isinstance(item, list | tuple) and len(item) == 2:
            x, y = _number(item[0]), _number(item[1])
        else:
            x, y = float(index), _number(item)
        if x is not None and y is not None:
            yield x, y


def _split_name(key: str) -> tuple[str, str]:
    """`val_loss`, `val/loss`, `loss_val` → ("val", "loss"); `loss` → ("", "loss")."""
    if match := _PREFIX.match(key):
        return _SPLITS[match[1].casefold()], match[2]
    if match := _SUFFIX.match(key):
        return _SPLITS[match[2].casefold()], match[1]
    return "", key


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (strings, booleans, NaN, inf, None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return number if math.isfinite(number) else None


def _collect(found: Mapping[tuple[str, str], list[tuple[float, float]]], x_label: str) -> Metrics:
    series = []
    for (split, metric), points in list(found.items())[:MAX_SERIES]:
        if not points or not metric.strip():
            continue
        points = sorted(points[-MAX_POINTS:], key=lambda p: p[0])  # stable: ties keep order
        xs, ys = zip(*points, strict=True)
        series.append(Series(metric, split, tuple(xs), tuple(ys)))
    return Metrics(tuple(series), x_label)


def reports_metrics(task: TaskInfo) -> bool:
    """Whether a task has training metrics to show: legacy train tasks, and tasks whose
    meta says so (`hasMetrics`, set for apps that report them)."""
    return task.type == "train" or task.meta.get("hasMetrics") is True


# --- export ----------------------------------------------------------------------------


def _plain(x: float) -> int | float:
    return int(x) if x.is_integer() else x


def _cell(text: str) -> str:
    """A header cell a spreadsheet will not run as a formula (`=cmd|…`)."""
    text = one_line(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def to_csv(metrics: Metrics) -> str:
    """One row per x value, one column per series; a series without a value there is blank."""
    columns: list[dict[float, float]] = [dict(zip(s.xs, s.ys, strict=True)) for s in metrics.series]
    xs = sorted({x for s in metrics.series for x in s.xs})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([metrics.x_label, *(_cell(s.name) for s in metrics.series)])
    for x in xs:
        writer.writerow([_plain(x), *(_value_cell(column.get(x)) for column in columns)])
    return out.getvalue()


def _value_cell(value: float | None) -> str:
    return "" if value is None else repr(value)


def to_json(task_id: int, metrics: Metrics) -> str:
    """The parsed series (not the raw reply, whose shape is the server's whim)."""
    body = {
        "task_id": task_id,
        "x": metrics.x_label,
        "series": [
            {
                "name": s.name,
                "split": s.split,
                "metric": s.metric,
                "points": [[_plain(x), y] for x, y in zip(s.xs, s.ys, strict=True)],
            }
            for s in metrics.series
        ],
    }
    return json.dumps(body, ensure_ascii=False) + "\n"


def write_export(directory: Path, task_id: int, metrics: Metrics) -> tuple[Path, Path]:
    """`task-<id>-metrics.csv` and `.json` in `directory`, numbered (`-1`, `-2` …) so that
    no existing file is overwritten; both files of one export share the number."""
    texts = {".csv": to_csv(metrics), ".json": to_json(task_id, metrics)}
    for number in range(10_000):
        stem = f"task-{task_id}-metrics" + (f"-{number}" if number else "")
        paths = [directory / f"{stem}{suffix}" for suffix in texts]
        if any(path.exists() for path in paths):
            continue
        try:
            for path, text in zip(paths, texts.values(), strict=True):
                with create_private(path, newline="") as file:  # never overwrites
                    file.write(text)
        except FileExistsError:  # another export took this number meanwhile
            continue
        return paths[0], paths[1]
    raise FileExistsError(f"too many exports of task {task_id} in {directory}")


# --- polling ---------------------------------------------------------------------------


class MetricsTopic:
    """Polls one task's training metrics; publishes `MetricsUpdated` when they change.

    Set `ended` once the task has ended: the next successful read is then the final one
    and polling stops (a manual refresh reads once more). While `visible()` is False (the
    chart is covered by another screen) turns pass without a request.
    """

    def __init__(self, task_id: int, visible: Callable[[], bool] = lambda: True) -> None:
        self.task_id = task_id
        self.visible = visible
        self.ended = False
        self.metrics: Metrics | None = None
        self._read = False  # whether `metrics` holds an answer yet
        self._failing = False

    def __repr__(self) -> str:
        return f"MetricsTopic(task={self.task_id})"

    def refresh(self) -> None:
        """Nothing to reset: every poll reads the whole series anyway."""

    async def poll(self, client: SlyClient, emit: Sink) -> Next:
        if not self.visible():
            return Next.IDLE
        ended = self.ended  # known before the read, so the read sees the final metrics
        try:
            raw = await client.tasks.get_training_metrics(self.task_id)
            metrics = await _parse(raw) if raw is not None else None
            if not metrics and self.metrics:
                # metrics never vanish from a run: this reply is garbled, keep the last
                raise ApiError("The reply held no readable metrics.", method=METHOD)
        except ApiError as exc:
            if not self._failing:
                self._failing = True
                emit(MetricsFailed(self.task_id, one_line(str(exc))))
            raise
        recovered, self._failing = self._failing, False
        if metrics != self.metrics or recovered or not self._read:
            self.metrics, self._read = metrics, True
            emit(MetricsUpdated(self.task_id, metrics))
        return Next.DONE if ended else Next.WAIT


async def _parse(raw: Any) -> Metrics:
    """Parse on the event loop when small, in a thread when big (a long run's history)."""
    if _size(raw) <= PARSE_INLINE:
        return parse_metrics(raw)
    return await asyncio.to_thread(parse_metrics, raw)


def _size(raw: Any, depth: int = 0) -> int:
    """Roughly how many points a reply holds (lists, and lists one level down)."""
    body = raw.get("metrics", raw) if isinstance(raw, Mapping) and depth == 0 else raw
    if isinstance(body, list):
        return len(body)
    if isinstance(body, Mapping) and depth < 2:
        return sum(_size(v, depth + 1) for v in body.values())
    return 0
