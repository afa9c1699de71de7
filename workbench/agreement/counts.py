"""2x2 tables of counts: one code, two coders, units coded by both, the first only, the second only, neither.

NVivo's Coding Comparison computes its kappa and percent agreement from such a
table of characters (:func:`kappa_from_counts`, :func:`percent_from_counts`,
:class:`Table2x2`); MAXQDA's segment-level kappa_n is
:func:`brennan_prediger_from_counts`. :func:`table_values` computes kappa,
percent and binary alpha of many tables at once (NaN where undefined), for the
bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.agreement.undefined import UndefinedMetric, explain_undefined, none_when_undefined


def _table(both: int, first_only: int, second_only: int, neither: int) -> tuple[int, int, int]:
    cells = (both, first_only, second_only, neither)
    if any(not isinstance(c, (int, np.integer)) or c < 0 for c in cells):
        raise ValueError(f"2x2 counts must be whole numbers >= 0, got {cells}")
    total = int(sum(cells))
    if total == 0:
        raise UndefinedMetric("no units: the table is empty")
    return total, int(both + first_only), int(both + second_only)


@none_when_undefined
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


@none_when_undefined
def percent_from_counts(both: int, first_only: int, second_only: int, neither: int) -> float | None:
    """Percentage agreement of a 2x2 table: 100 * (both + neither) / total (NVivo's Agreement %)."""
    total, _, _ = _table(both, first_only, second_only, neither)
    return 100.0 * int(both + neither) / total


@none_when_undefined
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


@dataclass(frozen=True, slots=True)
class Table2x2:
    """Units (characters) coded by both coders, the first only, the second only, neither."""

    both: int
    first_only: int
    second_only: int
    neither: int

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.both, self.first_only, self.second_only, self.neither)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def kappa(self) -> float | None:
        return kappa_from_counts(*self.counts)

    @property
    def kappa_undefined(self) -> str | None:
        """Why :attr:`kappa` is None, or None when it is defined."""
        return explain_undefined(kappa_from_counts, *self.counts)

    @property
    def percent(self) -> float | None:
        return percent_from_counts(*self.counts)

    def __add__(self, other: Table2x2) -> Table2x2:
        return Table2x2(*(a + b for a, b in zip(self.counts, other.counts, strict=True)))


# --- many tables at once (numpy) ----------------------------------------------------------------


def table_values(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Kappa, percent and binary alpha of many 2x2 tables (rows: both, first only, second only, neither).

    Cohen's kappa as :func:`~workbench.agreement.kappa_from_counts`; Krippendorff's
    nominal alpha for two coders and no missing values, from the coincidence
    matrix: alpha = 1 - (2N - 1)(b + c) / (n0 n1), n1 = 2a + b + c, n0 = 2d + b + c.
    NaN where undefined. Tests check both against the metric functions.
    """
    t = np.asarray(tables, dtype=np.float64).reshape(-1, 4)
    a, b, c, d = t.T
    n = a + b + c + d
    first, second = a + b, a + c
    chance = first * second + (n - first) * (n - second)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(n * n - chance > 0, (n * (a + d) - chance) / (n * n - chance), np.nan)
        percent = np.where(n > 0, 100.0 * (a + d) / n, np.nan)
        n1, n0 = 2 * a + b + c, 2 * d + b + c
        alpha = np.where(n0 * n1 > 0, 1 - (2 * n - 1) * (b + c) / (n0 * n1), np.nan)
    return {"kappa": kappa, "percent": percent, "alpha": alpha}


def table_alpha(table: Table2x2) -> float | None:
    """Krippendorff's binary alpha of a 2x2 table of units (see :func:`table_values`)."""
    alpha = float(table_values(np.array(table.counts))["alpha"][0])
    return None if np.isnan(alpha) else alpha


def unit_tables(rows: np.ndarray) -> np.ndarray:
    """(units, 4) one-hot 2x2 tables from two coders' 1/0 rows."""
    first, second = rows.astype(bool)
    return np.column_stack([first & second, first & ~second, ~first & second, ~first & ~second]).astype(np.int64)


def table_kappas(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kappa and percent agreement of many 2x2 tables of whole numbers, each exactly the float
    :func:`kappa_from_counts` and :func:`percent_from_counts` give (NaN where those give None).

    Vectorised where that is exact: with fewer than 2**26 units per table every product is a whole
    number below 2**53, so numpy's one rounded division equals Python's; larger tables go one by one.
    """
    t = np.asarray(tables, dtype=np.int64).reshape(-1, 4)
    if (t < 0).any():
        raise ValueError("2x2 counts must be whole numbers >= 0")
    total = t.sum(axis=1)
    if len(t) and total.max() >= 2**26:
        rows = t.tolist()
        return (np.array([_nan(kappa_from_counts(*row)) for row in rows]),
                np.array([_nan(percent_from_counts(*row)) for row in rows]))  # fmt: skip
    a, b, c, d = t.T
    first, second = a + b, a + c
    chance = first * second + (total - first) * (total - second)
    scale = total * total - chance
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(scale != 0, (total * (a + d) - chance) / scale, np.nan)
        percent = np.where(total > 0, 100.0 * (a + d) / total, np.nan)
    return kappa, percent


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def nones(values: np.ndarray) -> list[float | None]:
    """The values as Python floats, None for NaN (how the metrics say undefined)."""
    return [None if value != value else value for value in values.tolist()]  # NaN != NaN
