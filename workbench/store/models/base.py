"""The declarative base all models share: one ``MetaData`` whose naming convention gives constraints
stable names (so migrations can refer to them), and the clock the timestamps use."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The ``Table`` a model is mapped to, typed as one (``__table__`` is typed as any ``FromClause``;
    every model here declares a ``__tablename__``, so it is a ``Table``)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
