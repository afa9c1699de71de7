"""Spreadsheet cells that stay text (OWASP "CSV injection").

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, tab or carriage return) as a formula — ``=HYPERLINK(...)``, ``-2+3+cmd|...``.
Project text written to CSV goes through :func:`protect_cell`: such a value gets
a leading ``'``, which spreadsheets take as "this cell is text" and do not show.
Numbers (``-0.25``) are left alone. A value that already starts with quotes
followed by one of those characters gets one more quote, so :func:`unprotect_cell`
(used by ``codings import``) gives back exactly what was stored:
``unprotect_cell(protect_cell(v)) == v`` for every ``v``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _would_run(value: str) -> bool:
    return value.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(value) is None


def protect_cell(value: str) -> str:
    """``value`` as a CSV cell no spreadsheet runs as a formula."""
    if _would_run(value) or (value.startswith("'") and _would_run(value.lstrip("'"))):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    """The value :func:`protect_cell` was given (a cell it did not change comes back as it is)."""
    if value.startswith("'") and _would_run(value.lstrip("'")):
        return value[1:]
    return value


def protect_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every text cell protected (numbers and None as they are)."""
    return [protect_cell(v) if isinstance(v, str) else v for v in values]
