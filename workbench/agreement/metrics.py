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

The reliability data itself is :mod:`workbench.agreement.reliability`; 2x2
tables of counts are :mod:`workbench.agreement.counts`; intervals are
:mod:`workbench.agreement.bootstrap`. Their public names stay importable from
here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from numbers import Real
from typing import Any, Literal

import numpy as np

from workbench.agreement.reliability import (
    Coded,
    category_shares,
    inverse,
    observed_agreement,
    only_category,
    pairable_units,
)
from workbench.agreement.undefined import UndefinedMetric, none_when_undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


# --- the coefficients ------------------------------------------------------------------


def _percent(coded: Coded) -> float:
    return 100.0 * observed_agreement(coded.counts())


def _cohen(coded: Coded) -> float:
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


def _fleiss(coded: Coded) -> float:
    counts = coded.counts()
    observed = observed_agreement(counts)
    shares = category_shares(counts)
    if np.count_nonzero(shares) < 2:
        raise UndefinedMetric(f"every value is {only_category(coded, shares)}: chance agreement is 1")
    chance = float(shares @ shares)
    return (observed - chance) / (1 - chance)


def _gwet(coded: Coded) -> float:
    counts = coded.counts()
    observed = observed_agreement(counts)
    q = len(coded.labels)
    if q < 2:
        raise UndefinedMetric("only one category: declare the category set (categories=...)")
    shares = category_shares(counts)
    chance = float((shares * (1 - shares)).sum()) / (q - 1)
    return (observed - chance) / (1 - chance)


def _brennan_prediger(coded: Coded) -> float:
    observed = observed_agreement(coded.counts())
    q = len(coded.labels)
    if q < 2:
        raise UndefinedMetric("only one category: declare the category set (categories=...)")
    return (observed - 1 / q) / (1 - 1 / q)


def _differences(level: str, coded: Coded, n_c: np.ndarray) -> np.ndarray:
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


def _alpha(coded: Coded, level: str = "nominal") -> float:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    counts = coded.counts()
    rated, pairable = pairable_units(counts)
    weighted = counts * inverse(rated - 1, pairable)
    coincidences = weighted @ counts.T - np.diag(weighted.sum(axis=1))
    n_c = coincidences.sum(axis=1)
    if np.count_nonzero(n_c > 1e-9) < 2:
        only = only_category(coded, n_c)
        raise UndefinedMetric(f"every pairable value is {only}: expected disagreement is 0")
    delta = _differences(level, coded, n_c)
    expected = float(n_c @ delta @ n_c)
    observed = float((coincidences * delta).sum())
    return 1 - (n_c.sum() - 1) * observed / expected


@none_when_undefined
def percent_agreement(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Observed agreement in percent (0-100).

    100 * mean over units with >= 2 values of sum_k r_k(r_k - 1) / (r(r - 1)): for
    two coders the share of units both coded that got the same value; for more
    coders the pairwise agreement (Gwet 2014, Handbook of Inter-Rater Reliability).
    """
    return _percent(Coded.of(data, categories))


@none_when_undefined
def cohen_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Cohen's kappa for exactly two coders, on the units both coded.

    kappa = (po - pe) / (1 - pe), po = sum_k p_kk, pe = sum_k p_k. p_.k (each
    coder's own marginals). Cohen (1960), Educational and Psychological
    Measurement 20:37-46. Undefined when pe = 1 (both used one and the same category).
    """
    return _cohen(Coded.of(data, categories))


@none_when_undefined
def fleiss_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Fleiss' kappa (generalises Scott's pi) for two or more coders; missing values allowed.

    kappa = (pa - pe) / (1 - pe), pa = mean over units with r >= 2 values of
    sum_k r_k(r_k - 1) / (r(r - 1)), pe = sum_k pi_k^2, pi_k = mean over coded
    units of r_k / r. Fleiss (1971), Psychological Bulletin 76:378-382; missing
    values as Gwet (2014) and irrCAC ``fleiss()``. Undefined when one category only.
    """
    return _fleiss(Coded.of(data, categories))


@none_when_undefined
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
    return _alpha(Coded.of(data, categories), level)


@none_when_undefined
def gwet_ac1(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Gwet's AC1 for two or more coders; missing values allowed.

    AC1 = (pa - pe) / (1 - pe), pa as in :func:`fleiss_kappa`,
    pe = sum_k pi_k (1 - pi_k) / (q - 1), q = number of categories (declared,
    else seen). Gwet (2008), Br. J. Math. Stat. Psychol. 61:29-48; Gwet (2014).
    Undefined when q < 2.
    """
    return _gwet(Coded.of(data, categories))


@none_when_undefined
def brennan_prediger_kappa(data: Any, *, categories: Iterable[Hashable] | None = None) -> float | None:
    """Brennan-Prediger kappa_n (Bennett et al.'s S): chance agreement 1/q.

    kappa_n = (pa - 1/q) / (1 - 1/q), pa as in :func:`fleiss_kappa`, q = number
    of categories (declared, else seen). Brennan & Prediger (1981), Educational and
    Psychological Measurement 41:687-699. Undefined when q < 2.
    """
    return _brennan_prediger(Coded.of(data, categories))


# Each metric's raising core on coded reliability data: what bootstrap_ci resamples.
CORES: dict[Callable[..., Any], Callable[..., float]] = {
    percent_agreement: _percent,
    cohen_kappa: _cohen,
    fleiss_kappa: _fleiss,
    krippendorff_alpha: _alpha,
    gwet_ac1: _gwet,
    brennan_prediger_kappa: _brennan_prediger,
}


__all__ = [
    "CORES",
    "LEVELS",
    "Level",
    "brennan_prediger_kappa",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
]
