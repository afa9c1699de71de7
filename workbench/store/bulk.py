"""Fast bulk inserts for imports: one DBAPI ``executemany``, any dialect.

SQLAlchemy's ``insert()`` with a list of dicts compiles parameters row by row;
for the hundreds of thousands of turns and segments of a corpus import that
bookkeeping costs more than the database work. This helper renders one
statement in the driver's own parameter style and hands the rows (tuples)
to the driver directly. Values are checked against their columns first
(:mod:`workbench.store.values`) and converted by the column types' own bind
processors (dates on SQLite, JSON), so a bulk row is stored exactly as the
ORM would store it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from json.encoder import encode_basestring_ascii
from typing import Any, cast

from sqlalchemy import Connection, Table

from workbench.store.values import check_columns

_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]], *,
    converted: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) with one ``executemany``.

    ``converted`` names columns whose values the caller already put in the
    database's form (with :func:`bind_value`, or JSON text): they skip the
    column type's conversion.
    """
    if rows:
        insert_columns(connection, table, dict(zip(columns, zip(*rows))), converted=converted)


def insert_columns(
    connection: Connection, table: Table, values: Mapping[str, Sequence[Any]], *, converted: Sequence[str] = (),
) -> None:
    """Insert rows given column by column (``values``: column → its value in each row, all as long), with
    one ``executemany``; ``converted`` as for :func:`insert_rows`."""
    names = list(values)
    by_column = list(values.values())
    count = len(by_column[0]) if by_column else 0
    if not count:
        return
    check_columns(table, {column: values[column] for column in names if column not in converted})
    dialect = connection.dialect
    marker = _MARKERS.get(dialect.paramstyle)
    if marker is None:  # numeric/named styles: let SQLAlchemy do it
        connection.execute(table.insert(), [dict(zip(names, row)) for row in zip(*by_column)])
        return
    for index, column in enumerate(names):  # dates, JSON: converted as SQLAlchemy would
        process = None if column in converted else table.c[column].type._cached_bind_processor(dialect)
        if process is not None:
            by_column[index] = _converted(by_column[index], process)
    fixed = _same_in_every_row(by_column, marker) if count > 1 else {}
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in names)}) "
        f"VALUES ({', '.join(fixed.get(index, marker) for index in range(len(names)))})"
    )
    bound = [column for index, column in enumerate(by_column) if index not in fixed]
    connection.exec_driver_sql(sql, list(zip(*bound)))


def _converted(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """``values`` converted by ``process``; a value repeated row after row (one timestamp for a whole
    batch) is converted once."""
    out = []
    seen: object = None
    converted: object = None
    for value in values:
        if value is not None and value is not seen:
            seen, converted = value, process(value)
        out.append(None if value is None else converted)
    return out


def _same_in_every_row(by_column: Sequence[Sequence[Any]], marker: str) -> dict[int, str]:
    """The columns holding one value in every row (a batch's timestamp, its coder, a column all null),
    each as the SQL literal written into the statement once instead of bound row after row: a bulk
    insert binds half as many values. The first column always stays bound (a statement with no
    parameter is not one the drivers repeat)."""
    fixed = {}
    for index, values in enumerate(by_column[1:], start=1):
        first = values[0]
        if values.count(first) == len(values) and set(map(type, values)) == {type(first)}:
            literal = _literal(first, marker)
            if literal is not None:
                fixed[index] = literal
    return fixed


def _literal(value: object, marker: str) -> str | None:
    """``value`` as an SQL literal where that is plain and the same on every database: NULL, an integer,
    a boolean, text with no NUL and no backslash (which a PostgreSQL without standard strings would
    read as an escape); None for anything else, which stays a bound parameter."""
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int:
        return str(value)
    if kind is str:
        text = cast(str, value)
        if "\x00" in text or "\\" in text:
            return None
        literal = "'" + text.replace("'", "''") + "'"
        return literal.replace("%", "%%") if marker == "%s" else literal  # "%" starts a parameter there
    return None


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` primary keys for new rows of ``table``, to insert with explicit ids (and audit by id).

    PostgreSQL hands them out from the column's sequence, so concurrent writers
    never collide. SQLite numbers rows past the largest id; the transaction
    holds the write lock from its start (``BEGIN IMMEDIATE``), so nobody else
    can take them meanwhile.
    """
    from sqlalchemy import func, select, text

    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        rows = connection.execute(text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                                  {"sequence": sequence, "count": count})
        return [row[0] for row in rows]
    first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def bind_value(connection: Connection, table: Table, column: str, value: object) -> object:
    """``value`` in the form the driver takes for ``table.column`` (for a value repeated in many bulk rows)."""
    processor = table.c[column].type._cached_bind_processor(connection.dialect)
    return processor(value) if processor is not None and value is not None else value


def json_strings(values: Iterable[str]) -> str:
    """A list of text as JSON, exactly as ``json.dumps`` writes it (the form a JSON column stores)."""
    return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"


def insert_values(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Rows as dicts of Python values (datetimes, lists for JSON): :func:`insert_rows`, which converts
    them as ``connection.execute(table.insert(), rows)`` would, without its per-row bookkeeping."""
    if not rows:
        return
    names = [c.key for c in table.columns if c.key in rows[0]]
    insert_rows(connection, table, names, [tuple(row[name] for name in names) for row in rows])
