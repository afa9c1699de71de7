"""Agreement coefficients for reliability data.

Reliability data is a list of coder rows, each a list of unit values (the same
units in the same order for every coder), with ``None`` (or a float NaN) where
a coder gave no value. A 2-D numpy array of shape (coders, units) works too.
``categories=`` declares the category set; a declared category nobody used
still counts (as in irrCAC), which matters for Gwet's AC1 and Brennan-Prediger,
and its order is the order of an ordinal scale. Without it the categories are
the values seen, sorted when they can be.

Result convention
-----------------
Every metric returns a ``float``, or ``None`` when the coefficient is
undefined for the data (e.g. one category only, so chance agreement is 1; no
unit coded by two coders). It never returns a made-up 0 or 1 instead. The
reason is one call away::

    kappa = cohen_kappa(data)
    if kappa is None:
        reason = explain_undefined(cohen_kappa, data)   # e.g. "no unit was coded by both coders"

``explain_undefined(metric, *args, **kwargs)`` takes any metric of this module
with the same arguments and returns the reason as a string, or ``None`` when
the metric is defined. Internally an undefined case raises
:class:`UndefinedMetric`; the public functions turn it into ``None``. Input
that is wrong rather than degenerate (rows of different lengths, a value
outside the declared categories, three coders for Cohen's kappa, negative
values at the ratio level) raises ``ValueError``.

Percentages are 0-100; every other coefficient is a proportion.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from numbers import Real
from typing import Any, Literal, ParamSpec, TypeVar

import numpy as np

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
_P = ParamSpec("_P")
_R = TypeVar("_R")


class UndefinedMetric(Exception):
    """A coefficient is undefined for the data; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _metric(raising: Callable[_P, _R]) -> Callable[_P, _R | None]:
    """Public form of a metric: ``None`` where ``raising`` raises UndefinedMetric."""

    @functools.wraps(raising)
    def metric(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        try:
            return raising(*args, **kwargs)
        except UndefinedMetric:
            return None

    metric._raising = raising  # type: ignore[attr-defined]
    return metric


def explain_undefined(metric: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Why ``metric(*args, **kwargs)`` is ``None``; ``None`` when it is defined."""
    raising = getattr(metric, "_raising", None)
    if raising is None:
        raise TypeError(f"{metric!r} is not an agreement metric of workbench.agreement")
    try:
        raising(*args, **kwargs)
    except UndefinedMetric as undefined:
        return undefined.reason
    return None


# --- reliability data ----------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class _Coded:
    """Reliability data as category indices: ``codes[coder, unit]``, -1 for missing."""

    codes: np.ndarray
    labels: tuple[Any, ...]
    ordered: bool  # labels are in a meaningful order (sorted or declared)

    @classmethod
    def of(cls, data: Any, categories: Iterable[Hashable] | None = None) -> _Coded:
        declared = None if categories is None else tuple(categories)
        if declared is not None and len(set(declared)) != len(declared):
            raise ValueError(f"categories {declared!r} repeat a value")
        if isinstance(data, np.ndarray) and data.ndim == 2 and data.dtype.kind in "biuf":
            coded = cls._of_numbers(data, declared)
            if coded is not None:
                return coded
        rows = [list(row) for row in data]
        lengths = {len(row) for row in rows}
        if len(lengths) > 1:
            raise ValueError(f"every coder row needs one value per unit; row lengths are {sorted(lengths)}")
        if declared is None:
            seen = list(dict.fromkeys(v for row in rows for v in row if not _missing(v)))
            try:
                labels, ordered = tuple(sorted(seen)), True
            except TypeError:
                labels, ordered = tuple(seen), False
        else:
            labels, ordered = declared, True
        index = {value: i for i, value in enumerate(labels)}
        try:
            codes = [[-1 if _missing(v) else index[v] for v in row] for row in rows]
        except KeyError as error:
            raise ValueError(f"value {error.args[0]!r} is not one of the categories {labels!r}") from None
        array = np.array(codes, dtype=np.int64).reshape(len(rows), lengths.pop() if lengths else 0)
        return cls(array, labels, ordered)

    @classmethod
    def _of_numbers(cls, data: np.ndarray, declared: tuple[Any, ...] | None) -> _Coded | None:
        present = ~np.isnan(data) if data.dtype.kind == "f" else None
        if declared is None:
            cats = np.unique(data if present is None else data[present])
        elif all(isinstance(c, Real) for c in declared):
            cats = np.asarray(declared, dtype=np.float64)
        else:
            return None  # declared labels are not numbers: take the general path
        order = np.argsort(cats, kind="stable")
        ascending = cats[order]
        position = np.minimum(np.searchsorted(ascending, data), max(len(cats) - 1, 0))
        found = ascending[position] == data if len(cats) else np.zeros(data.shape, dtype=bool)
        unknown = ~found if present is None else present & ~found
        if unknown.any():
            raise ValueError(f"value {data[unknown][0].item()!r} is not one of the categories {declared!r}")
        codes = np.where(found, order[position] if len(cats) else -1, -1).astype(np.int64)
        return cls(codes, declared if declared is not None else tuple(cats.tolist()), True)

    def take(self, units: np.ndarray) -> _Coded:
        return _Coded(self.codes[:, units], self.labels, self.ordered)

    def counts(self) -> np.ndarray:
        """``counts[category, unit]``: how many coders put the unit in the category."""
        q, units = len(self.labels), self.codes.shape[1]
        flat = (self.codes * units + np.arange(units))[self.codes >= 0]
        return np.bincount(flat, minlength=q * units).reshape(q, units).astype(np.float64)


def _inverse(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """1 / values where ``where``, else 0."""
    return np.divide(1.0, values, out=np.zeros(len(values)), where=where)


def _pairable(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values per unit and a mask of the units with two or more values."""
    rated = counts.sum(axis=0)
    pairable = rated >= 2
    if not pairable.any():
        raise UndefinedMetric("no unit was coded by two or more coders")
    return rated, pairable


def _observed(counts: np.ndarray) -> float:
    """Pairwise agreement: mean over pairable units of sum_k r_k(r_k-1) / r(r-1)."""
    rated, pairable = _pairable(counts)
    agreeing_pairs = (counts * (counts - 1)).sum(axis=0)
    return float(agreeing_pairs @ _inverse(rated * (rated - 1), pairable)) / int(pairable.sum())


def _shares(counts: np.ndarray) -> np.ndarray:
    """pi_k: mean over coded units of the share of the unit's values in category k."""
    rated = counts.sum(axis=0)
    coded = rated >= 1
    return counts @ _inverse(rated, coded) / max(int(coded.sum()), 1)


def _only_category(coded: _Coded, shares: np.ndarray) -> str:
    return repr(coded.labels[int(np.argmax(shares))])


# --- the coefficients ------------------------------------------------------------------


def _percent(coded: _Coded) -> float:
    return 100.0 * _observed(coded.counts())


def _cohen(coded: _Coded) -> float:
    if coded.codes.shape[0] != 2:
        raise ValueError(f"Cohen's kappa compares exactly two coders, not {coded.codes.shape[0]}")
    first, second = coded.codes
    both = (first >= 0) & (second >= 0)
    n = int(both.sum())
    if n == 0:
        raise UndefinedMetric("no unit was coded by both coders")
    q = len(coded.labels)
    table = np.bincount(first[both] * q + second[both], minlength=q * q).reshape(q, q)
    agree = int(np.trace(table))
    chance = int(table.sum(axis=1) @ table.sum(axis=0))  # n^2 * pe
    if n * n == chance:
        label = coded.labels[int(np.argmax(table.sum(axis=1)))]
        raise UndefinedMetric(f"both coders put every unit in {label!r}: chance agreement is 1")
    return (n * agree - chance) / (n * n - chance)


def _fleiss(coded: _Coded) -> float:
    counts = coded.counts()
    observed = _observed(counts)
    shares = _shares(counts)
    if np.count_nonzero(shares) < 2:
        raise UndefinedMetric(f"every value is {_only_category(coded, shares)}: chance agreement is 1")
    chance = float(shares @ shares)
    return (observed - chance) / (1 - chance)


def _gwet(coded: _Coded) -> float:
    counts = coded.counts()
    observed = _observed(counts)
    q = len(coded.labels)
    if q < 2:
        raise UndefinedMetric("only one category: declare the category set (categories=...)")
    shares = _shares(counts)
    chance = float((shares * (1 - shares)).sum()) / (q - 1)
    return (observed - chance) / (1 - chance)


def _brennan_prediger(coded: _Coded) -> float:
    observed = _observed(coded.counts())
    q = len(coded.labels)
    if q < 2:
        raise UndefinedMetric("only one category: declare the category set (categories=...)")
    return (observed - 1 / q) / (1 - 1 / q)


def _differences(level: str, coded: _Coded, n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's squared difference delta^2_ck for each pair of categories."""
    q = len(coded.labels)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        if not coded.ordered:
            raise ValueError("ordinal alpha needs values that sort, or declared categories in order")
        cumulative = np.cumsum(n_c)
        index = np.arange(q)
        low, high = np.minimum.outer(index, index), np.maximum.outer(index, index)
        between = cumulative[high] - cumulative[low] + n_c[low]
        return (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
    if not all(isinstance(v, Real) and not isinstance(v, bool) for v in coded.labels):
        raise ValueError(f"{level} alpha needs numeric values, got {coded.labels!r}")
    values = np.asarray(coded.labels, dtype=np.float64)
    gap = values[:, None] - values[None, :]
    if level == "interval":
        return gap**2
    if (values < 0).any():
        raise ValueError("ratio alpha needs values >= 0")
    total = values[:, None] + values[None, :]
    return np.divide(gap, total, out=np.zeros_like(gap), where=total != 0) ** 2


def _alpha(coded: _Coded, level: str = "nominal") -> float:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    counts = coded.counts()
    rated, pairable = _pairable(counts)
    weighted = counts * _inverse(rated - 1, pairable)
    coincidences = weighted @ counts.T - np.diag(weighted.sum(axis=1))
    n_c = coincidences.sum(axis=1)
    if np.count_nonzero(n_c > 1e-9) < 2:
        only = _only_category(coded, n_c)
        raise UndefinedMetric(f"every pairable value is {only}: expected disagreement is 0")
    delta = _differences(level, coded, n_c)
    expected = float(n_c @ delta @ n_c)
    observed = float((coincidences * delta).sum())
    return 1 - (n_c.sum() - 1) * observed / expected


@_metric
def percent_agreement(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Observed agreement in percent (0-100).

    100 * mean over units with >= 2 values of sum_k r_k(r_k - 1) / (r(r - 1)): for
    two coders the share of units both coded that got the same value; for more
    coders the pairwise agreement (Gwet 2014, Handbook of Inter-Rater Reliability).
    """
    return _percent(_Coded.of(data, categories))


@_metric
def cohen_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Cohen's kappa for exactly two coders, on the units both coded.

    kappa = (po - pe) / (1 - pe), po = sum_k p_kk, pe = sum_k p_k. p_.k (each
    coder's own marginals). Cohen (1960), Educational and Psychological
    Measurement 20:37-46. Undefined when pe = 1 (both used one and the same category).
    """
    return _cohen(_Coded.of(data, categories))


@_metric
def fleiss_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Fleiss' kappa (generalises Scott's pi) for two or more coders; missing values allowed.

    kappa = (pa - pe) / (1 - pe), pa = mean over units with r >= 2 values of
    sum_k r_k(r_k - 1) / (r(r - 1)), pe = sum_k pi_k^2, pi_k = mean over coded
    units of r_k / r. Fleiss (1971), Psychological Bulletin 76:378-382; missing
    values as Gwet (2014) and irrCAC ``fleiss()``. Undefined when one category only.
    """
    return _fleiss(_Coded.of(data, categories))


@_metric
def krippendorff_alpha(
    data: Any, level: Level = "nominal", *, categories: Iterable[Hashable] | None = None
) -> float | None:
    """Krippendorff's alpha at the nominal, ordinal, interval or ratio level.

    alpha = 1 - (n - 1) * sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck, with the
    coincidence matrix o_ck = sum_u (ordered c-k value pairs in u) / (m_u - 1)
    over units with m_u >= 2 values, n_c = sum_k o_ck, n = sum_c n_c. d2 is
    0/1 (nominal); (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 (ordinal, categories in
    declared or sorted order); (c - k)^2 (interval); ((c - k)/(c + k))^2 (ratio).
    Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"; Content
    Analysis (2019) ch. 12. Undefined when one value only among the pairable values.
    """
    return _alpha(_Coded.of(data, categories), level)


@_metric
def gwet_ac1(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Gwet's AC1 for two or more coders; missing values allowed.

    AC1 = (pa - pe) / (1 - pe), pa as in :func:`fleiss_kappa`,
    pe = sum_k pi_k (1 - pi_k) / (q - 1), q = number of categories (declared,
    else seen). Gwet (2008), Br. J. Math. Stat. Psychol. 61:29-48; Gwet (2014).
    Undefined when q < 2.
    """
    return _gwet(_Coded.of(data, categories))


@_metric
def brennan_prediger_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Brennan-Prediger kappa_n (Bennett et al.'s S): chance agreement 1/q.

    kappa_n = (pa - 1/q) / (1 - 1/q), pa as in :func:`fleiss_kappa`, q = number
    of categories (declared, else seen). Brennan & Prediger (1981), Educational and
    Psychological Measurement 41:687-699. Undefined when q < 2.
    """
    return _brennan_prediger(_Coded.of(data, categories))


_CORES: dict[Callable[..., Any], Callable[..., float]] = {
    percent_agreement: _percent,
    cohen_kappa: _cohen,
    fleiss_kappa: _fleiss,
    krippendorff_alpha: _alpha,
    gwet_ac1: _gwet,
    brennan_prediger_kappa: _brennan_prediger,
}


@_metric
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
    """Percentile bootstrap interval ``(low, high)`` of a metric of this module.

    Draws ``resamples`` (default 1000) samples of the units with replacement,
    the same units for every coder, from ``numpy.random.default_rng(seed)``, so
    a given seed always gives the same interval; ``options`` go to the metric
    (e.g. ``level="ordinal"``). Resamples where the metric is undefined are
    skipped. Undefined when the metric is undefined on the data itself or on
    half of the resamples or more.
    """
    core = _CORES.get(metric)
    if core is None:
        raise TypeError(f"bootstrap_ci takes a reliability-data metric, not {metric!r}")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError("bootstrap_ci needs resamples >= 1 and 0 < confidence < 1")
    coded = _Coded.of(data, categories)
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


# --- 2x2 tables of counts (NVivo's character-level comparison) ----------------------


def _table(both: int, first_only: int, second_only: int, neither: int) -> tuple[int, int, int]:
    cells = (both, first_only, second_only, neither)
    if any(not isinstance(c, (int, np.integer)) or c < 0 for c in cells):
        raise ValueError(f"2x2 counts must be whole numbers >= 0, got {cells}")
    total = int(sum(cells))
    if total == 0:
        raise UndefinedMetric("no units: the table is empty")
    return total, int(both + first_only), int(both + second_only)


@_metric
def kappa_from_counts(both: int, first_only: int, second_only: int, neither: int) -> float | None:
    """Cohen's kappa of a 2x2 table (coded / not coded by each of two coders).

    NVivo's Coding Comparison steps: EF1 = A*B/TU, EF2 = (TU-A)(TU-B)/TU,
    K = (TA - EF1 - EF2) / (TU - EF1 - EF2) with TA = both + neither; this is
    Cohen's (1960) kappa, computed here in exact integers. When only one coder
    coded anything K is exactly 0. Undefined when neither coder coded anything
    or both coded every unit (0/0).
    """
    total, first, second = _table(both, first_only, second_only, neither)
    chance = first * second + (total - first) * (total - second)  # TU * (EF1 + EF2)
    if chance == total * total:
        if first == 0:
            raise UndefinedMetric("neither coder applied the code")
        raise UndefinedMetric("both coders applied the code to every unit")
    return (total * int(both + neither) - chance) / (total * total - chance)


@_metric
def percent_from_counts(both: int, first_only: int, second_only: int, neither: int) -> float | None:
    """Percentage agreement of a 2x2 table: 100 * (both + neither) / total (NVivo's Agreement %)."""
    total, _, _ = _table(both, first_only, second_only, neither)
    return 100.0 * int(both + neither) / total


@_metric
def brennan_prediger_from_counts(agreements: int, total: int, categories: int) -> float | None:
    """kappa_n = (po - 1/k) / (1 - 1/k) with po = agreements / total and k categories.

    MAXQDA's segment-level "kappa" (chance = 1 / number of codes in the table;
    Brennan & Prediger 1981). Undefined when total = 0 or k < 2.
    """
    if not 0 <= agreements <= total or categories < 0:
        raise ValueError(f"need 0 <= agreements <= total and k >= 0, got {agreements}, {total}, {categories}")
    if total == 0:
        raise UndefinedMetric("nothing was coded")
    if categories < 2:
        raise UndefinedMetric(f"{categories} code(s) in the table: chance agreement 1/k is not below 1")
    chance = 1 / categories
    return (agreements / total - chance) / (1 - chance)


__all__ = [
    "LEVELS",
    "Level",
    "UndefinedMetric",
    "bootstrap_ci",
    "brennan_prediger_from_counts",
    "brennan_prediger_kappa",
    "cohen_kappa",
    "explain_undefined",
    "fleiss_kappa",
    "gwet_ac1",
    "kappa_from_counts",
    "krippendorff_alpha",
    "percent_agreement",
    "percent_from_counts",
]
