"""Reliability data as category indices, and the pairwise sums the coefficients share.

:meth:`Coded.of` turns coder rows (or a 2-D numpy array) into
``codes[coder, unit]`` with -1 for missing values, checking the input as
described in :mod:`workbench.agreement.metrics`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from workbench.agreement.undefined import UndefinedMetric


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Coded:
    """Reliability data as category indices: ``codes[coder, unit]``, -1 for missing."""

    codes: np.ndarray
    labels: tuple[Any, ...]
    ordered: bool  # labels are in a meaningful order (sorted or declared)

    @classmethod
    def of(cls, data: Any, categories: Iterable[Hashable] | None = None) -> Coded:
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
    def _of_numbers(cls, data: np.ndarray, declared: tuple[Any, ...] | None) -> Coded | None:
        if (declared is not None and data.dtype.kind in "biu" and data.size
                and declared == tuple(range(len(declared))) and all(type(c) is int for c in declared)
                and 0 <= data.min() and data.max() < len(declared)):  # fmt: skip
            return cls(data.astype(np.int64), declared, True)  # values 0..k-1 are their own indices
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

    def take(self, units: np.ndarray) -> Coded:
        return Coded(self.codes[:, units], self.labels, self.ordered)

    def counts(self) -> np.ndarray:
        """``counts[category, unit]``: how many coders put the unit in the category."""
        q, units = len(self.labels), self.codes.shape[1]
        flat = (self.codes * units + np.arange(units))[self.codes >= 0]
        return np.bincount(flat, minlength=q * units).reshape(q, units).astype(np.float64)


def inverse(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """1 / values where ``where``, else 0."""
    return np.divide(1.0, values, out=np.zeros(len(values)), where=where)


def pairable_units(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values per unit and a mask of the units with two or more values."""
    rated = counts.sum(axis=0)
    pairable = rated >= 2
    if not pairable.any():
        raise UndefinedMetric("no unit was coded by two or more coders")
    return rated, pairable


def observed_agreement(counts: np.ndarray) -> float:
    """Pairwise agreement: mean over pairable units of sum_k r_k(r_k-1) / r(r-1)."""
    rated, pairable = pairable_units(counts)
    agreeing_pairs = (counts * (counts - 1)).sum(axis=0)
    return float(agreeing_pairs @ inverse(rated * (rated - 1), pairable)) / int(pairable.sum())


def category_shares(counts: np.ndarray) -> np.ndarray:
    """pi_k: mean over coded units of the share of the unit's values in category k."""
    rated = counts.sum(axis=0)
    coded = rated >= 1
    return counts @ inverse(rated, coded) / max(int(coded.sum()), 1)


def only_category(coded: Coded, shares: np.ndarray) -> str:
    return repr(coded.labels[int(np.argmax(shares))])
