"""Numbers of a chart: a y axis whose ticks sit the same number of rows apart, and one
format for every value of a legend.

textual-plot picks round tick values and rounds each to the nearest row, so on a plot a
few rows tall the gaps between labels differ (2, 1, 2 rows); and `:.4g` per value gives a
legend `0.41` above `0.4123`. Both are pure functions here so they can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from math import floor, isfinite, log10

NICE = (1.0, 2.0, 5.0)  # steps 1, 2, 5 x 10^n (2.5 would need one more decimal than its neighbours)
MOST_TICKS = 6
SCIENTIFIC_BELOW = 1e-3
SCIENTIFIC_FROM = 1e6
DIGITS = 4  # significant digits of the largest value in a legend


def _nice_steps(smallest: float) -> Iterator[float]:
    """1, 2, 5 x 10^n from the first one not below `smallest`, rising (ten of them: a step
    ten times too big no longer fits the data nicely)."""
    power = floor(log10(smallest))
    steps = (m * 10.0**p for p in range(power, power + 5) for m in NICE)
    yield from islice((step for step in steps if step >= smallest * (1 - 1e-9)), 10)


def _fit(low: float, high: float, rows: int, gap: int) -> tuple[float, float] | None:
    """First tick and step of the tightest axis with a tick every `gap` rows."""
    for step in _nice_steps((high - low) * gap / rows):
        first = floor(low / step) * step
        if _limits(first, step, rows, gap)[1] >= high:
            return first, step
    return None


def _limits(first: float, step: float, rows: int, gap: int) -> tuple[float, float]:
    """Limits that put the first tick half a row above the bottom edge: `ceil` then rounds
    every tick to the row it is meant for, whatever the float error."""
    row = step / gap
    return first - row / 2, first + row * (rows - 0.5)


def even_ticks(low: float, high: float, rows: int) -> tuple[float, float, list[float]]:
    """Y limits and ticks for data in `[low, high]` on a plot `rows` rows tall (between its
    top and bottom border), such that every tick lands `gap` rows above the previous one.

    textual-plot draws a value on row `ceil(bottom - 1 - f * rows)`, f being its fraction
    of the axis. With the limits of `_limits`, tick `j` has `f * rows = j * gap + 0.5`.
    No tick goes on the top border row, which only an exact f = 1 would reach.
    """
    if not (isfinite(low) and isfinite(high)):
        low, high = 0.0, 1.0
    if high - low <= max(abs(low), abs(high)) * 1e-9:
        pad = max(abs(low) * 0.1, 1e-6)
        low, high = low - pad, high + pad
    rows = max(rows, 1)
    best: tuple[float, float, float, int] | None = None  # score, first tick, step, gap
    fewest = 2 if rows >= 5 else 1  # intervals: three ticks where there is room
    for gap in range(2 if rows >= 5 else 1, rows + 1):
        intervals = (rows - 1) // gap
        if not fewest <= intervals < MOST_TICKS or not (fit := _fit(low, high, rows, gap)):
            continue
        first, step = fit
        leftover = (rows - 1 - intervals * gap) / rows  # rows above the last tick
        score = step * rows / gap / (high - low) * (1 + leftover)
        if best is None or score < best[0] - 1e-9:
            best = (score, first, step, gap)
    if best is None:  # the data straddles a power of ten on a plot of one or two rows
        return low, high, []
    _, first, step, gap = best
    ticks = [first + index * step for index in range((rows - 1) // gap + 1)]
    return (*_limits(first, step, rows, gap), ticks)


def legend_format(values: Iterable[float]) -> Callable[[float], str]:
    """One format for all the numbers of one legend: as many decimals as `DIGITS`
    significant digits of the largest needs (`1.234`, `0.412`, `0.050`), or scientific for
    all when the largest is tiny or huge."""
    largest = max((abs(v) for v in values if isfinite(v)), default=0.0)
    if largest and not SCIENTIFIC_BELOW <= largest < SCIENTIFIC_FROM:
        return lambda value: f"{value:.{DIGITS - 1}e}"
    magnitude = floor(log10(largest)) if largest else 0
    decimals = max(0, DIGITS - 1 - magnitude)
    return lambda value: f"{value:.{decimals}f}"
