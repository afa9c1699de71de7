"""Values checked before the database sees them, the same on SQLite and PostgreSQL.

SQLite stores a 300-character code name in a ``VARCHAR(255)``, a NUL in
text and a 64-bit cue time; PostgreSQL refuses all three with a driver error
(and SQLite itself cannot take an integer past 64 bits or a lone surrogate).
So that a project behaves the same on both, every row is checked against its
column here, by the column's type: text length against ``String(n)``, no NUL
and no lone surrogate in any text, integers within the column's range
(``Integer`` is 32-bit on PostgreSQL). Two ways in, one rule: ORM flushes
(:func:`check_session`, a ``before_flush`` listener) and bulk inserts
(:func:`check_columns`, called by :func:`workbench.store.bulk.insert_columns`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import compress, repeat
from operator import is_not
from typing import cast

from sqlalchemy import BigInteger, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Session

from workbench.errors import InputError, WorkbenchError

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_NONE = type(None)
_RANGES = ((SmallInteger, 15), (BigInteger, 63), (Integer, 31))  # most specific first: both subclass Integer


class ValueRefused(WorkbenchError):
    """A value no database column of ours can hold: too long, NUL, a lone surrogate, out of range."""


@contextmanager
def from_file(path: object) -> Iterator[None]:
    """Name the file a refused value came from: ``book.yaml: code name '…' is 300 characters long …``."""
    try:
        yield
    except ValueRefused as refused:
        raise InputError(path, refused.message) from None


@lru_cache(maxsize=None)
def _checks(table: Table) -> tuple[tuple[str, str, int | None], ...]:
    """(column, "text" | "int", limit) for every checkable column of ``table``."""
    checks = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, String):  # Text is a String without a length
            checks.append((column.name, "text", kind.length))
        elif isinstance(kind, Integer):
            bits = next(b for t, b in _RANGES if isinstance(kind, t))
            checks.append((column.name, "int", bits))
    return tuple(checks)


def _label(table: Table, column: str) -> str:
    return f"{table.name} {column.replace('_', ' ')}"


def _check(table: Table, column: str, kind: str, limit: int | None, value: object) -> None:
    if value is None:
        return
    if kind == "text" and isinstance(value, str):
        bad = _BAD_TEXT.search(value)
        if bad:
            what = "a NUL character" if bad.group() == "\x00" else "half of a surrogate pair (invalid Unicode)"
            raise ValueRefused(
                f"{_label(table, column)} holds {what} at position {bad.start()}, which no database can store; "
                "remove it from the file"
            )
        if limit is not None and len(value) > limit:
            raise ValueRefused(
                f"{_label(table, column)} {value[:40]!r}… is {len(value)} characters long, over the limit of {limit}; "
                "shorten it in the file"
            )
    elif kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        assert limit is not None
        if not -(2**limit) <= value < 2**limit:
            raise ValueRefused(
                f"{_label(table, column)} {value} is out of range (at most {2**limit - 1}); the file holds an absurd number"
            )


def check_values(table: Table, values: Mapping[str, object]) -> None:
    for column, kind, limit in _checks(table):
        if column in values:
            _check(table, column, kind, limit, values[column])


def check_columns(table: Table, values: Mapping[str, Sequence[object]]) -> None:
    """Check bulk rows given column by column (``values``: column → its value in each row): one range,
    length and character check per column (C-level passes over the column), then value by value only
    where that finds something."""
    by_name = {column: (kind, limit) for column, kind, limit in _checks(table)}
    for column, column_values in values.items():
        if column not in by_name:
            continue
        kind, limit = by_name[column]
        kinds = set(map(type, column_values))
        if _NONE in kinds:
            kinds.discard(_NONE)
            column_values = list(compress(column_values, map(is_not, column_values, repeat(None))))
        if not kinds:
            continue
        if kind == "int":
            assert limit is not None
            if kinds <= {int, bool} and -(2**limit) <= min(cast("Sequence[int]", column_values)) \
                    and max(cast("Sequence[int]", column_values)) < 2**limit:
                continue
        elif kinds == {str}:
            texts = cast("Sequence[str]", column_values)
            if (limit is None or max(map(len, texts)) <= limit) and not _BAD_TEXT.search("\n".join(texts)):
                continue
        for value in column_values:
            _check(table, column, kind, limit, value)


def check_session(session: Session, _context: object = None, _instances: object = None) -> None:
    """``before_flush``: every new or changed row's loaded values."""
    from sqlalchemy import inspect

    for instance in (*session.new, *session.dirty):
        table = getattr(type(instance), "__table__", None)
        if isinstance(table, Table):
            check_values(table, {c: v for c, v in inspect(instance).dict.items() if not c.startswith("_")})
