"""Fast bulk inserts for imports: one DBAPI ``executemany``, any dialect.

SQLAlchemy's ``insert()`` with a list of dicts compiles parameters row by row;
for the hundreds of thousands of turns and segments of a corpus import that
bookkeeping costs more than the database work. This helper renders one
statement in the driver's own parameter style and hands the rows (tuples)
to the driver directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table

_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    if not rows:
        return
    dialect = connection.dialect
    marker = _MARKERS.get(dialect.paramstyle)
    if marker is None:  # numeric/named styles: let SQLAlchemy do it
        connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(marker for _ in columns)})"
    )
    connection.exec_driver_sql(sql, list(rows))


def insert_values(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    """Rows as dicts (Python values: datetimes, lists for JSON), converted with the column types' own
    bind processors, then :func:`insert_rows` — what ``connection.execute(table.insert(), rows)``
    stores, without its per-row bookkeeping. A value repeated down a column (one timestamp for a
    whole batch) is converted once."""
    if not rows:
        return
    columns = [c for c in table.columns if c.key in rows[0]]
    names = [c.key for c in columns]
    converters = [_converter(c.type._cached_bind_processor(connection.dialect)) for c in columns]
    converted = [tuple(convert(row[name]) for convert, name in zip(converters, names)) for row in rows]
    insert_rows(connection, table, names, converted)


def _converter(process):  # type: ignore[no-untyped-def]
    if process is None:
        return lambda value: value
    last: list = [object(), None]  # the previous value and what it became

    def convert(value):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value is not last[0] and not (type(value) is type(last[0]) and value == last[0]):
            last[0], last[1] = value, process(value)
        return last[1]

    return convert
