"""Theme types (the typology) and higher-order categories of themes.

A theme's type gives its label prefix (facilitator ``F``, barrier ``B`` by
default); categories group themes and are ordered by ``position``. Every
function taking a :class:`Project` is one transaction and returns frozen
values, never ORM rows. The small input helpers here (:func:`clean_name`,
:func:`clean_text`, :func:`swap_positions`, ``UNSET``) are shared with
:mod:`workbench.services.themes.edit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import NotFoundError, WorkbenchError
from workbench.store.engine import Project
from workbench.store.models import Theme, ThemeCategory, ThemeType

DEFAULT_TYPOLOGY = (("facilitator", "F"), ("barrier", "B"))
PREFIX = re.compile(r"^[A-Z][A-Za-z]{0,9}$")
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


@dataclass(frozen=True)
class ThemeTypeInfo:
    name: str
    prefix: str
    position: int


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    description: str | None
    position: int

# Typology and categories -------------------------------------------------------


def ensure_typology(session: Session) -> list[ThemeType]:
    """The project's theme types, creating the default (facilitator F, barrier B) when there are none."""
    types = list(session.scalars(select(ThemeType).order_by(ThemeType.position, ThemeType.id)))
    if not types:
        types = [ThemeType(name=n, prefix=p, position=i) for i, (n, p) in enumerate(DEFAULT_TYPOLOGY)]
        session.add_all(types)
        session.flush()
    return types


def list_types(project: Project) -> list[ThemeTypeInfo]:
    with project.session() as session:
        return [ThemeTypeInfo(t.name, t.prefix, t.position) for t in ensure_typology(session)]


def add_type(project: Project, name: str, prefix: str) -> ThemeTypeInfo:
    """A new theme type (e.g. ``neutral``, ``N``), last in the typology."""
    name, prefix = clean_name(name, "a theme type needs a name"), prefix.strip()
    if not PREFIX.match(prefix):
        raise WorkbenchError(f"type prefix {prefix!r} must be a capital letter and up to 9 more letters, e.g. 'N'")
    with project.session() as session:
        types = ensure_typology(session)
        if any(t.name.lower() == name.lower() for t in types):
            raise WorkbenchError(f"there is already a theme type {name!r}")
        if any(t.prefix == prefix for t in types):
            raise WorkbenchError(f"prefix {prefix!r} is taken; choose another for {name!r}")
        session.add(ThemeType(name=name, prefix=prefix, position=len(types)))
        return ThemeTypeInfo(name, prefix, len(types))


def free_prefix(name: str, taken: Iterable[str]) -> str:
    """A label prefix for a new type called ``name`` that no other type uses: its capitalised first
    letter ("neutral" → "N"), else its first two, three... letters ("Ne"), else a letter and a number is
    not allowed by PREFIX, so the first free capital letter of the alphabet."""
    used = set(taken)
    letters = "".join(c for c in name if c.isascii() and c.isalpha())
    for size in range(1, min(len(letters), 10) + 1):
        candidate = letters[:size].capitalize()
        if candidate not in used:
            return candidate
    return next((c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used), "X")


def list_categories(project: Project) -> list[CategoryInfo]:
    with project.session() as session:
        return [_category_info(c) for c in categories_in_order(session)]


def create_category(project: Project, name: str, description: str | None = None) -> CategoryInfo:
    name = clean_name(name, "a category needs a name")
    with project.session() as session:
        if session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == name.lower())):
            raise WorkbenchError(f"there is already a category {name!r}")
        position = (session.scalar(select(func.max(ThemeCategory.position))) or 0) + 1
        category = ThemeCategory(name=name, description=clean_text(description), position=position)
        session.add(category)
        session.flush()
        return _category_info(category)


def update_category(project: Project, name: str, *, new_name: str = UNSET, description: str | None = UNSET) -> CategoryInfo:
    with project.session() as session:
        category = require_category(session, name)
        if new_name is not UNSET:
            new_name = clean_name(new_name, "a category needs a name")
            clash = session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == new_name.lower()))
            if clash is not None and clash.id != category.id:
                raise WorkbenchError(f"there is already a category {new_name!r}")
            category.name = new_name
        if description is not UNSET:
            category.description = clean_text(description)
        session.flush()
        return _category_info(category)


def delete_category(project: Project, name: str) -> None:
    """Delete a category; its themes stay, without a category."""
    with project.session() as session:
        category = require_category(session, name)
        for theme in session.scalars(select(Theme).where(Theme.category_id == category.id)):
            theme.category_id = None
        session.delete(category)


def move_category(project: Project, name: str, step: int) -> None:
    """Move a category up (``step`` < 0) or down among the categories."""
    with project.session() as session:
        swap_positions(categories_in_order(session), require_category(session, name), step)


# Helpers ------------------------------------------------------------------------------


def require_type(session: Session, name: str) -> ThemeType:
    types = ensure_typology(session)
    for t in types:
        if t.name.lower() == name.strip().lower() or t.prefix == name.strip():
            return t
    raise NotFoundError(f"no theme type {name!r}; the typology has {', '.join(t.name for t in types)}")


def require_category(session: Session, name: str) -> ThemeCategory:
    category = session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == name.strip().lower()))
    if category is None:
        raise NotFoundError(f"no theme category {name!r}; create it first")
    return category


def categories_in_order(session: Session) -> list[ThemeCategory]:
    return list(session.scalars(select(ThemeCategory).order_by(ThemeCategory.position, ThemeCategory.id)))


def _category_info(c: ThemeCategory) -> CategoryInfo:
    return CategoryInfo(c.id, c.name, c.description, c.position)


def swap_positions(items: list[Any], item: Any, step: int) -> None:
    """Renumber ``items`` 0..n-1 in their order, with ``item`` moved by ``step`` places (clamped)."""
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    ordered.insert(max(0, min(len(ordered) - 1, index + step)), ordered.pop(index))
    for position, each in enumerate(ordered):
        if each.position != position:
            each.position = position


def clean_name(value: str, empty_message: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise WorkbenchError(empty_message)
    if len(value) > 255:
        raise WorkbenchError("names may be at most 255 characters")
    return value


def clean_text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
