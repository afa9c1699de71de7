"""Seeded percentile bootstrap intervals.

:func:`bootstrap_ci` resamples the units of reliability data for any
coefficient of :mod:`workbench.agreement.metrics`; :func:`table_bootstrap`
resamples blocks of 2x2 tables (units, or sentence blocks of characters) and
computes kappa, percent and alpha of every resample at once.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.agreement.counts import table_values
from workbench.agreement.metrics import CORES
from workbench.agreement.reliability import Coded
from workbench.agreement.undefined import UndefinedMetric, none_when_undefined

Interval = tuple[float, float] | None


@none_when_undefined
def bootstrap_ci(
    metric: Callable[..., float | None],
    data: Any,
    *,
    resamples: int = 1000,
    seed: int | None = 0,
    confidence: float = 0.95,
    categories: Iterable[Hashable] | None = None,
    **options: Any,
) -> tuple[float, float] | None:
    """Percentile bootstrap interval ``(low, high)`` of a metric of :mod:`workbench.agreement.metrics`.

    Draws ``resamples`` (default 1000) samples of the units with replacement,
    the same units for every coder, from ``numpy.random.default_rng(seed)``, so
    a given seed always gives the same interval; ``options`` go to the metric
    (e.g. ``level="ordinal"``). Resamples where the metric is undefined are
    skipped. Undefined when the metric is undefined on the data itself or on
    half of the resamples or more.
    """
    core = CORES.get(metric)
    if core is None:
        raise TypeError(f"bootstrap_ci takes a reliability-data metric, not {metric!r}")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError("bootstrap_ci needs resamples >= 1 and 0 < confidence < 1")
    coded = Coded.of(data, categories)
    try:
        core(coded, **options)
    except UndefinedMetric as undefined:
        raise UndefinedMetric(f"undefined on the data: {undefined.reason}") from None
    rng = np.random.default_rng(seed)
    units: int = coded.codes.shape[1]
    estimates = []
    for _ in range(resamples):
        try:
            estimates.append(core(coded.take(rng.integers(0, units, size=units)), **options))
        except UndefinedMetric:
            continue
    if 2 * len(estimates) <= resamples:
        raise UndefinedMetric(f"defined on only {len(estimates)} of {resamples} resamples")
    tail = (1 - confidence) / 2
    low, high = np.quantile(estimates, [tail, 1 - tail])
    return float(low), float(high)


# --- the exact bootstrap of 2x2 tables ----------------------------------------------------------


@dataclass(frozen=True)
class BlockResamples:
    """The resamples of a report's blocks (units, or sentence blocks of characters), drawn once.

    Each resample draws B blocks with replacement
    (``numpy.random.default_rng(seed).integers``; the same draws for every code of a report), so a
    resample is a vector of draw counts over the blocks and any statistic that sums over blocks is
    one product of the counts with the per-block values (:meth:`sums`). ``drawn_sizes`` are the
    summed block sizes of each resample.
    """

    drawn: np.ndarray  # (blocks, resamples) draw counts, read-only
    drawn_sizes: np.ndarray  # (resamples,) float64: whole numbers
    confidence: float
    most: int  # the most times a block was drawn in one resample

    @classmethod
    def of(cls, sizes: np.ndarray, resamples: int, seed: int | None, confidence: float) -> BlockResamples | None:
        """The resamples of blocks of ``sizes``; None for no resamples or no blocks."""
        sizes = np.asarray(sizes)
        if resamples < 1 or len(sizes) == 0:
            return None
        drawn = _draws(len(sizes), resamples, seed)
        totals = _drawn_totals((len(sizes), resamples, seed), drawn, sizes.astype(np.float64))
        return cls(drawn, totals, confidence, int(drawn.max()))

    def sums(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """(resamples, k): per resample, the sum of ``values`` (n, k), whole numbers >= 0, of blocks ``rows`` (n,)
        as drawn. Exact: in float32 when no sum can reach 2**24 (each is at most ``most`` times the
        values' sum), else in float64."""
        values = np.asarray(values)
        exact32 = len(values) and float(values.sum(axis=0).max()) * self.most < 2**24
        kind = np.float32 if exact32 else np.float64
        values = values.astype(kind)
        result = np.zeros((self.drawn.shape[1], values.shape[1]))
        for i in range(0, len(rows), 8192):  # bounded memory for a table where every block is coded
            result += self.drawn[rows[i : i + 8192]].T.astype(kind) @ values[i : i + 8192]
        return result

    def tables(self, coded: np.ndarray, scale: int = 1) -> np.ndarray:
        """(resamples, 4) summed 2x2 tables from the drawn sums of both / first only / second only:
        "neither" is the rest of the drawn text (``scale`` times the drawn sizes: codes pooled)."""
        return np.column_stack([coded, scale * self.drawn_sizes - coded.sum(axis=1)])

    def intervals(self, tables: np.ndarray) -> dict[str, Interval]:
        """Percentile intervals of kappa, percent and alpha over the resampled ``tables`` (see :func:`table_bootstrap`)."""
        resamples = len(tables)
        tail = (1 - self.confidence) / 2
        result: dict[str, Interval] = {}
        for name, estimates in table_values(tables).items():
            defined = estimates[~np.isnan(estimates)]
            if 2 * len(defined) <= resamples:
                result[name] = None
            else:
                low, high = np.quantile(defined, [tail, 1 - tail])
                result[name] = (float(low), float(high))
        return result


NO_INTERVALS: dict[str, Interval] = {"kappa": None, "percent": None, "alpha": None}


def table_bootstrap(
    blocks: np.ndarray, resamples: int, seed: int | None, confidence: float
) -> dict[str, Interval]:
    """Percentile intervals of kappa, percent and alpha of the summed table, resampling whole blocks.

    ``blocks`` is (B, 4): one 2x2 table per block (a unit, or a sentence block of
    characters). Each resample draws B blocks with replacement
    (``numpy.random.default_rng(seed).integers``; the same draws for every code of
    a report) and sums their tables. Resamples where a value is undefined are
    skipped; an interval is ``None`` when half the resamples or more are
    undefined, or when there are no resamples.
    """
    blocks = np.asarray(blocks).reshape(-1, 4)
    both, first, second, neither = (blocks[:, i] for i in range(4))  # columns: no reductions over rows
    draws = BlockResamples.of(both + first + second + neither, resamples, seed, confidence)
    if draws is None:
        return dict(NO_INTERVALS)
    # Most blocks of a code are coded by nobody: their rows are (0, 0, 0, size). Sum the few coded rows,
    # and get "neither" as the drawn total minus them (the drawn totals are the same for every code).
    coded = np.flatnonzero((both != 0) | (first != 0) | (second != 0))
    return draws.intervals(draws.tables(draws.sums(coded, blocks[coded, :3])))


_TOTALS: dict[tuple[tuple[int, int, int | None], bytes], np.ndarray] = {}


def forget_draws() -> None:
    """Drop the cached draws (every code of a report shares them): the next report draws afresh (benchmarks)."""
    _draws.cache_clear()
    _TOTALS.clear()


def _drawn_totals(draw_key: tuple[int, int, int | None], drawn: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """(resamples,): the summed block sizes of each resample; cached, as every code of a report shares them."""
    key = (draw_key, hashlib.blake2b(totals.tobytes(), digest_size=16).digest())
    found = _TOTALS.get(key)
    if found is None:
        found = sum((totals[i : i + 8192] @ drawn[i : i + 8192].astype(np.float64)
                     for i in range(0, len(drawn), 8192)), np.zeros(drawn.shape[1]))  # fmt: skip
        if len(_TOTALS) > 8:
            _TOTALS.clear()
        _TOTALS[key] = found  # a report in another thread may clear the cache: return our own value
    return found


# Two kept: a report needs one (every code shares it); each is blocks x resamples bytes (40 MB for 200,000
# sentence blocks), and the TUI process lives long after its Review screen computed one.
@functools.lru_cache(maxsize=2)
def _draws(count: int, resamples: int, seed: int | None) -> np.ndarray:
    """(count, resamples): how often each block is drawn in each resample (small counts: uint8 mostly).

    Block-major, so the rows of a code's few coded blocks are gathered cheaply. The draws are
    ``default_rng(seed).integers(0, count, size=(resamples, count))``, taken 16 resamples at a
    time: the same numbers in bounded memory (int32 draws are the same numbers as int64 ones
    below 2**31, only cheaper), counted one resample at a time (a count vector stays in cache)."""
    rng = np.random.default_rng(seed)
    drawn = np.empty((count, resamples), dtype=np.uint8)
    step = 16
    for first in range(0, resamples, step):
        picks = rng.integers(0, count, size=(min(step, resamples - first), count),
                             dtype=np.int32 if count < 2**31 else np.int64)  # fmt: skip
        counts = np.empty(picks.shape, dtype=drawn.dtype)
        for row, pick in enumerate(picks):
            drawn_once = np.bincount(pick, minlength=count)
            if drawn_once.max() > np.iinfo(drawn.dtype).max:  # a block drawn 256 times or more: practically never
                drawn, counts = drawn.astype(np.uint64), counts.astype(np.uint64)
            counts[row] = drawn_once
        drawn[:, first : first + len(picks)] = counts.T
    drawn.flags.writeable = False
    return drawn
