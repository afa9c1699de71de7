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
    units = coded.codes.shape[1]
    estimates = []
    for _ in range(resamples):
        try:
            estimates.append(core(coded.take(rng.integers(0, units, units)), **options))
        except UndefinedMetric:
            continue
    if 2 * len(estimates) <= resamples:
        raise UndefinedMetric(f"defined on only {len(estimates)} of {resamples} resamples")
    tail = (1 - confidence) / 2
    low, high = np.quantile(estimates, [tail, 1 - tail])
    return float(low), float(high)


# --- the exact bootstrap of 2x2 tables ----------------------------------------------------------


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
    if resamples < 1 or len(blocks) == 0:
        return {"kappa": None, "percent": None, "alpha": None}
    drawn = _draws(len(blocks), resamples, seed)  # (blocks, resamples)
    # Most blocks of a code are coded by nobody: their rows are (0, 0, 0, size). Sum the few coded rows,
    # and get "neither" as the drawn total minus them (the drawn totals are the same for every code).
    both, first, second, neither_count = (blocks[:, i] for i in range(4))  # columns: no reductions over rows
    coded = np.flatnonzero((both != 0) | (first != 0) | (second != 0))
    parts = np.zeros((resamples, 3))
    for i in range(0, len(coded), 8192):  # bounded memory for a table where every block is coded
        rows = coded[i : i + 8192]
        parts += drawn[rows].T.astype(np.float64) @ blocks[rows, :3].astype(np.float64)
    sizes = (both + first + second + neither_count).astype(np.float64)
    neither = _drawn_totals((len(blocks), resamples, seed), drawn, sizes) - parts.sum(axis=1)
    values = table_values(np.column_stack([parts, neither]))
    tail = (1 - confidence) / 2
    result: dict[str, Interval] = {}
    for name, estimates in values.items():
        defined = estimates[~np.isnan(estimates)]
        if 2 * len(defined) <= resamples:
            result[name] = None
        else:
            low, high = np.quantile(defined, [tail, 1 - tail])
            result[name] = (float(low), float(high))
    return result


_TOTALS: dict[tuple[tuple[int, int, int | None], bytes], np.ndarray] = {}


def _drawn_totals(draw_key: tuple[int, int, int | None], drawn: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """(resamples,): the summed block sizes of each resample; cached, as every code of a report shares them."""
    key = (draw_key, hashlib.blake2b(totals.tobytes(), digest_size=16).digest())
    if key not in _TOTALS:
        if len(_TOTALS) > 8:
            _TOTALS.clear()
        _TOTALS[key] = sum((totals[i : i + 8192] @ drawn[i : i + 8192].astype(np.float64)
                            for i in range(0, len(drawn), 8192)), np.zeros(drawn.shape[1]))  # fmt: skip
    return _TOTALS[key]


@functools.lru_cache(maxsize=4)
def _draws(count: int, resamples: int, seed: int | None) -> np.ndarray:
    """(count, resamples): how often each block is drawn in each resample (small counts: uint16).

    Block-major, so the rows of a code's few coded blocks are gathered cheaply. The draws are
    ``default_rng(seed).integers(0, count, size=(resamples, count))``, taken a few resamples at a
    time (the same numbers, in bounded memory)."""
    rng = np.random.default_rng(seed)
    drawn = np.empty((count, resamples), dtype=np.uint16)
    step = 16
    for first in range(0, resamples, step):
        picks = rng.integers(0, count, size=(min(step, resamples - first), count))
        for row, pick in enumerate(picks):
            drawn[:, first + row] = np.bincount(pick, minlength=count)
    drawn.flags.writeable = False
    return drawn
