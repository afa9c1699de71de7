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
    blocks = np.asarray(blocks, dtype=np.float64).reshape(-1, 4)
    if resamples < 1 or len(blocks) == 0:
        return {"kappa": None, "percent": None, "alpha": None}
    draws = _draws(len(blocks), resamples, seed)
    # Most blocks of a code are coded by nobody: their rows are (0, 0, 0, size). Sum the few coded rows,
    # and get "neither" as the drawn total minus them (the drawn totals are the same for every code).
    coded = np.flatnonzero(blocks[:, :3].any(axis=1))
    parts = np.concatenate([draws[i : i + 64, coded].astype(np.float64) @ blocks[coded, :3]
                            for i in range(0, resamples, 64)])  # fmt: skip
    neither = _drawn_totals((len(blocks), resamples, seed), draws, blocks.sum(axis=1)) - parts.sum(axis=1)
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


def _drawn_totals(draw_key: tuple[int, int, int | None], draws: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """(resamples,): the summed block sizes of each resample; cached, as every code of a report shares them."""
    key = (draw_key, hashlib.blake2b(totals.tobytes(), digest_size=16).digest())
    if key not in _TOTALS:
        if len(_TOTALS) > 8:
            _TOTALS.clear()
        _TOTALS[key] = np.concatenate([draws[i : i + 64].astype(np.float64) @ totals
                                       for i in range(0, len(draws), 64)])  # fmt: skip
    return _TOTALS[key]


@functools.lru_cache(maxsize=4)
def _draws(count: int, resamples: int, seed: int | None) -> np.ndarray:
    """(resamples, count): how often each block is drawn in each resample (small counts: uint16)."""
    picks = np.random.default_rng(seed).integers(0, count, size=(resamples, count))
    flat = (picks + np.arange(resamples)[:, None] * count).ravel()
    draws = np.bincount(flat, minlength=resamples * count).reshape(resamples, count).astype(np.uint16)
    draws.flags.writeable = False
    return draws
