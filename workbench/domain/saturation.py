"""Code saturation as Guest, Namey & Chen (2020, PLoS ONE 15(5): e0232076) assess it.

The input is an ordered list of sources, each the set of distinct codes applied
in it. With ``new_i`` the codes first seen in source ``i`` and ``cumulative_i``
the codes seen in sources 1..i:

* the **base** is the first ``base`` sources; ``B`` = the distinct codes in it;
* **runs** of ``run`` consecutive sources start right after the base and advance
  one source at a time (sources 5–6, 6–7, … for base 4, run 2);
* the **new information** of a run = codes first seen in the run (in no earlier
  source) ÷ ``B``;
* saturation is reached at the first run whose new information is at most the
  threshold, and reported as ``n`` = the number of sources before that run.
  No run qualifies (or there is no run at all, or the base has no codes): not
  reached, with the last run's figure.

The codes first seen in a run are the sum of ``new_i`` over it, so everything
follows from the ``new_i`` of an order (:func:`assess`). The robustness band
(the authors' own check) repeats the assessment over seeded random orders of the
same sources (:func:`resample`): the median and 95% range of ``n`` and of the
cumulative curve, by nearest-rank percentiles, so figures are always counts that
occurred. An order in which saturation is not reached ranks above every ``n``;
when a percentile falls among those orders it is reported as not reached (None).

Pure Python (numpy inside :func:`resample` only); no Textual, no SQLAlchemy.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EPSILON = 1e-9  # shares are compared as new ≤ threshold × B, allowing for decimal thresholds such as 0.05


@dataclass(frozen=True)
class Design:
    base: int = 4
    run: int = 2
    threshold: float = 0.05

    def check(self) -> None:
        if self.base < 1:
            raise ValueError(f"the base must be 1 source or more, not {self.base}")
        if self.run < 1:
            raise ValueError(f"the run must be 1 source or more, not {self.run}")
        if not 0 <= self.threshold < 1:
            raise ValueError(f"the threshold is a share of new information from 0 to below 1 (0.05 = 5%), not {self.threshold}")


@dataclass(frozen=True)
class Run:
    start: int  # 1-based position of the run's first source
    end: int  # 1-based position of its last source (inclusive)
    new: int  # codes first seen in the run
    share: float | None  # new ÷ B (None when the base has no codes)


@dataclass(frozen=True)
class Assessment:
    new_codes: tuple[int, ...]
    cumulative: tuple[int, ...]
    design: Design
    base_codes: int  # B
    runs: tuple[Run, ...]
    reached: bool
    at: int | None  # n: the sources before the qualifying run
    qualifying: Run | None
    reason: str | None  # why not reached

    @property
    def last_run(self) -> Run | None:
        return self.runs[-1] if self.runs else None


def new_codes(order: Sequence[Collection[str]]) -> list[int]:
    """``new_i`` for sources in this order: how many of each source's codes no earlier source had."""
    seen: set[str] = set()
    counts = []
    for codes in order:
        fresh = set(codes) - seen
        counts.append(len(fresh))
        seen |= fresh
    return counts


def assess(new: Sequence[int], design: Design) -> Assessment:
    """The saturation assessment of one order, given its ``new_i``."""
    design.check()
    cumulative: list[int] = []
    total = 0
    for count in new:
        total += count
        cumulative.append(total)
    n = len(new)
    base_codes = cumulative[design.base - 1] if n >= design.base else total
    runs = []
    for start in range(design.base, n - design.run + 1):  # 0-based index of the run's first source
        found = cumulative[start + design.run - 1] - cumulative[start - 1]
        runs.append(Run(start + 1, start + design.run, found, found / base_codes if base_codes else None))
    qualifying = next(
        (r for r in runs if base_codes and r.new <= design.threshold * base_codes + EPSILON), None
    )
    reason = None
    if qualifying is None:
        if n < design.base + design.run:
            reason = f"{n} source{'' if n == 1 else 's'}: a base of {design.base} and a run of {design.run} need at least {design.base + design.run}"
        elif not base_codes:
            reason = f"no codes in the first {design.base} sources, so there is nothing to compare new codes with"
        else:
            last = runs[-1]
            reason = f"the last run (sources {last.start}–{last.end}) still added {last.new} new code{'' if last.new == 1 else 's'} ({_percent(last.share)})"
    return Assessment(
        tuple(new), tuple(cumulative), design, base_codes, tuple(runs), qualifying is not None,
        qualifying.start - 1 if qualifying else None, qualifying, reason,
    )


def statement(result: Assessment, names: Sequence[str] | None = None) -> str:
    """The sentence for the paper: "saturation at n = 6 (base 4, run 2, ≤5% new information)"."""
    d = result.design
    design = f"base {d.base}, run {d.run}, ≤{_threshold(d.threshold)} new information"
    if result.reached and result.at is not None:
        after = f"; after {names[result.at - 1]}" if names else ""
        return f"saturation at n = {result.at} ({design}{after})"
    return f"saturation not reached ({design}): {result.reason}"


@dataclass(frozen=True)
class Band:
    """The assessment over seeded random orders of the same sources."""

    resamples: int
    seed: int
    reached: int  # orders in which saturation was reached
    median: int | None  # n; None = not reached at that percentile
    low: int | None  # 2.5th percentile
    high: int | None  # 97.5th percentile
    curve_median: tuple[int, ...]
    curve_low: tuple[int, ...]
    curve_high: tuple[int, ...]


def resample(sources: Sequence[Collection[str]], design: Design, resamples: int = 1000, seed: int = 0) -> Band:
    """Assess ``resamples`` random orders (numpy's PCG64 seeded with ``seed``)."""
    import numpy as np

    design.check()
    if resamples < 1:
        raise ValueError(f"resamples must be 1 or more, not {resamples}")
    codes = sorted({c for s in sources for c in s})
    index = {c: i for i, c in enumerate(codes)}
    matrix = np.zeros((len(sources), max(len(codes), 1)), dtype=bool)
    for row, source in enumerate(sources):
        matrix[row, [index[c] for c in source]] = True
    n = len(sources)
    all_orders = random_orders(n, resamples, seed)
    at: list[float] = []
    curves = np.empty((resamples, n), dtype=np.int64)
    chunk = max(1, 4_000_000 // max(matrix.size, 1))
    for first in range(0, resamples, chunk):
        count = min(chunk, resamples - first)
        orders = all_orders[first : first + count]
        present = matrix[orders]  # (count, sources, codes)
        used = present.any(axis=1)
        first_seen = np.where(used, present.argmax(axis=1), n)  # position each code first appears (n: never)
        flat = (first_seen + (n + 1) * np.arange(count)[:, None]).ravel()
        new = np.bincount(flat, minlength=count * (n + 1)).reshape(count, n + 1)[:, :n]
        curves[first : first + count] = np.cumsum(new, axis=1)
        for row in new:
            result = assess(row.tolist(), design)
            at.append(math.inf if result.at is None else result.at)  # at is None exactly when not reached
    at.sort()
    curve_sorted = np.sort(curves, axis=0)

    def rank(q: float) -> int:
        return max(0, math.ceil(q * resamples) - 1)

    def pick(q: float) -> int | None:
        value = at[rank(q)]
        return None if value == math.inf else int(value)

    return Band(
        resamples, seed, sum(1 for a in at if a != math.inf), pick(0.5), pick(0.025), pick(0.975),
        tuple(int(v) for v in curve_sorted[rank(0.5)]), tuple(int(v) for v in curve_sorted[rank(0.025)]),
        tuple(int(v) for v in curve_sorted[rank(0.975)]),
    )


def random_orders(n: int, resamples: int, seed: int) -> np.ndarray:
    """The orders :func:`resample` assesses: ``resamples`` permutations of ``range(n)`` (numpy array)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return np.stack([rng.permutation(n) for _ in range(resamples)]) if n else np.zeros((resamples, 0), dtype=np.int64)


def _threshold(threshold: float) -> str:
    return f"{threshold * 100:g}%"


def _percent(share: float | None) -> str:
    return "no base codes" if share is None else f"{share * 100:.1f}% new information"
