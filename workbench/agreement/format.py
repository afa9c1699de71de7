"""How agreement figures are written for people (CLI tables, the Review screen, Word reports) and for
machines (CSV): one home, so a kappa reads the same everywhere.

Coefficients (kappa, alpha, AC1) and their confidence intervals: three decimals. Percentages: one.
A value that rounds to zero is written without a minus sign (never "-0.000"). Undefined: an en dash.
"""

from __future__ import annotations

COEFFICIENT_DIGITS = 3
PERCENT_DIGITS = 1
UNDEFINED = "–"


def fixed(value: float | None, digits: int = COEFFICIENT_DIGITS) -> str:
    """``value`` with ``digits`` decimals; no negative zero; the en dash for None."""
    if value is None:
        return UNDEFINED
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def coefficient(value: float | None) -> str:
    return fixed(value, COEFFICIENT_DIGITS)


def percent(value: float | None) -> str:
    return fixed(value, PERCENT_DIGITS)


def interval(bounds: tuple[float, float] | None) -> str:
    """``[low, high]`` of a coefficient's CI, or "" when there is none."""
    return "" if bounds is None else f"[{coefficient(bounds[0])}, {coefficient(bounds[1])}]"


def with_interval(value: float | None, bounds: tuple[float, float] | None) -> str:
    """A coefficient followed by its CI when it has one: ``0.750 [0.512, 0.901]``."""
    return f"{coefficient(value)} {interval(bounds)}" if bounds is not None else coefficient(value)


def raw(value: float | int | None) -> str:
    """For CSV: whole numbers as they are, other numbers to six significant digits, None as empty."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.6g}"
