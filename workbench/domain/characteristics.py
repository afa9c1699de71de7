"""Describing participants for a "Table 1": attribute types, numeric summaries, counts and percentages.

An attribute is **numeric** when every value given parses as a number (``12``,
``1.5``, ``-3``; not ``35-44`` or ``n/a``), else **categorical**; a declared type
wins. Numeric summaries: n, mean, sample standard deviation (n − 1; undefined
for fewer than two values), minimum and maximum. Categorical: n and percentage
of the column's N (participants without a value are shown as a level of their
own, so a column's levels add up to N). Formatting: mean and SD to one decimal,
percentages to one decimal, the range as given (``1.5–25``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NUMERIC = "numeric"
CATEGORICAL = "categorical"
TYPES = (NUMERIC, CATEGORICAL)
MISSING = "(missing)"
DASH = "—"


def parse_number(value: str) -> float | None:
    text = value.strip().replace("−", "-")
    if not text or text.lower() in {"nan", "inf", "-inf", "infinity", "-infinity"}:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def infer_type(values: Iterable[str]) -> str:
    """``numeric`` when there are values and every one parses as a number, else ``categorical``."""
    given = [v for v in values if v.strip()]
    return NUMERIC if given and all(parse_number(v) is not None for v in given) else CATEGORICAL


@dataclass(frozen=True)
class NumericSummary:
    n: int
    mean: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None

    def mean_sd(self) -> str:
        if self.mean is None:
            return DASH
        return f"{fixed(self.mean)} ({fixed(self.sd) if self.sd is not None else DASH})"

    def range(self) -> str:
        if self.minimum is None or self.maximum is None:
            return DASH
        return f"{number(self.minimum)}–{number(self.maximum)}"


def summarise(values: Sequence[float]) -> NumericSummary:
    if not values:
        return NumericSummary(0, None, None, None, None)
    sd = statistics.stdev(values) if len(values) > 1 else None
    return NumericSummary(len(values), statistics.fmean(values), sd, min(values), max(values))


def count_percent(count: int, total: int) -> str:
    """``6 (54.5)``; ``0 (0.0)``; a column with nobody in it: ``0``."""
    if total == 0:
        return "0"
    return f"{count} ({fixed(100 * count / total)})"


def fixed(value: float, decimals: int = 1) -> str:
    """One decimal, and never ``-0.0``."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def number(value: float) -> str:
    """A value as given: 3 not 3.0, 1.5 as 1.5."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return f"{value:g}"
