"""Reading themes: frozen :class:`ThemeInfo`, derived dimensions, labels and lookups.

Shared by the theme edits (:mod:`workbench.services.themes.edit`), the theme map,
the roll-ups and the exports. A theme's **dimensions** are derived from its
codes: the top-level ancestor of each deductive code below the top level
(``bond.trust`` → ``bond``); inductive codes and codes with no parent give
none. ``Theme.dimensions`` overrides the
derived list when set. These functions work inside the caller's session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.services.themes.categories import categories_in_order
from workbench.store.models import Code, Exemplar, Theme


@dataclass(frozen=True)
class Dimension:
    key: str  # the top-level code's key: "bond"
    name: str  # its name: "Bond"


@dataclass(frozen=True)
class ThemeInfo:
    id: int
    label: str
    name: str
    type: str
    prefix: str
    category: str | None
    description: str | None
    codes: tuple[str, ...]  # keys, in codebook order
    code_names: tuple[str, ...]
    dimensions: tuple[str, ...]  # effective: the override, else derived
    derived_dimensions: tuple[str, ...]
    overridden: bool
    position: int
    version: int
    exemplars: int


def theme_infos(session: Session) -> list[ThemeInfo]:
    categories: dict[int | None, int] = {c.id: c.position for c in categories_in_order(session)}  # looked up by category_id (may be None)
    themes = session.scalars(select(Theme)).all()
    themes = sorted(themes, key=lambda t: (t.category_id is None, categories.get(t.category_id, 0), t.position, t.id))
    index = _dimension_index(session)
    counts = dict(session.execute(select(Exemplar.theme_id, func.count()).group_by(Exemplar.theme_id)).all())
    return [theme_info(session, t, index, counts.get(t.id, 0)) for t in themes]


def dimensions(session: Session) -> list[Dimension]:
    """The dimensions: top-level deductive codes that are parents of other codes, in codebook order.

    A flat codebook has none: a code with no parent is a code, not a dimension.
    """
    parents = select(Code.parent_id).where(Code.parent_id.is_not(None))
    tops = session.scalars(
        select(Code).where(Code.parent_id.is_(None), Code.origin == "deductive", Code.id.in_(parents))
        .order_by(Code.position, Code.name)
    )
    return [Dimension(c.key, c.name) for c in tops]


def check_dimensions(session: Session, keys: Iterable[str]) -> list[str]:
    known = {d.key: d for d in dimensions(session)}
    by_name = {d.name.lower(): d.key for d in known.values()}
    result = []
    for key in keys:
        found = key if key in known else by_name.get(str(key).lower())
        if found is None:
            raise WorkbenchError(f"{key!r} is not a dimension; dimensions are the top-level codes: {', '.join(known)}")
        result.append(found)
    return list(dict.fromkeys(result))


def next_label(session: Session, prefix: str) -> str:
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [int(m.group(1)) for label in session.scalars(select(Theme.label)) if (m := pattern.match(label))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def theme_info(session: Session, theme: Theme, index: dict[int, str | None] | None = None, exemplars: int | None = None) -> ThemeInfo:
    index = _dimension_index(session) if index is None else index
    order = {key: i for i, key in enumerate(dict.fromkeys(index.values()))}  # the index is in dimension order
    codes = sorted(theme.codes, key=lambda c: (index.get(c.id) is None, order.get(index.get(c.id), 0), c.position, c.key))
    derived = tuple(dict.fromkeys(d for c in codes if (d := index.get(c.id))))
    if exemplars is None:
        exemplars = session.scalar(select(func.count()).select_from(Exemplar).where(Exemplar.theme_id == theme.id)) or 0
    return ThemeInfo(
        theme.id, theme.label, theme.name, theme.theme_type.name, theme.theme_type.prefix,
        theme.category.name if theme.category else None, theme.description,
        tuple(c.key for c in codes), tuple(c.name for c in codes),
        tuple(theme.dimensions) if theme.dimensions is not None else derived, derived,
        theme.dimensions is not None, theme.position, theme.version, exemplars,
    )


def _dimension_index(session: Session) -> dict[int, str | None]:
    """Code id → dimension key (None for inductive codes), ordered by dimension in codebook order."""
    rows = session.execute(select(Code.id, Code.key, Code.parent_id, Code.origin)).all()
    by_id = {r[0]: r for r in rows}
    order = {d.key: i for i, d in enumerate(dimensions(session))}
    result: dict[int, str | None] = {}
    for code_id, _key, parent, origin in rows:
        if parent is None:  # a top-level code contributes no dimension, not even itself
            result[code_id] = None
            continue
        top, seen = by_id[code_id], {code_id}
        while top[2] is not None and top[2] in by_id and top[2] not in seen:
            seen.add(top[2])
            top = by_id[top[2]]
        result[code_id] = None if origin == "inductive" or top[3] == "inductive" or top[1] not in order else top[1]
    return dict(sorted(result.items(), key=lambda item: order.get(item[1], len(order)) if item[1] else len(order)))


def require_theme(session: Session, label: str, expected_version: int | None = None) -> Theme:
    theme = session.scalar(select(Theme).where(Theme.label == label.strip()))
    if theme is None:
        theme = session.scalar(select(Theme).where(func.lower(Theme.label) == label.strip().lower()))
    if theme is None:
        raise NotFoundError(f"no theme {label!r}; see the Themes screen or 'workbench themes export FILE'")
    if expected_version is not None and theme.version != expected_version:
        raise ConflictError(f"theme {theme.label} ({theme.name}) was changed by someone else; reload and try again")
    return theme
