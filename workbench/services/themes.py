"""Themes: the typology, higher-order categories, themes, their codes, dimensions and exemplar quotes.

Every function taking a :class:`Project` is one transaction and returns
frozen values (:class:`ThemeInfo`, :class:`ThemeSegment`, ...), never ORM rows.

Rules:

* A theme's **label** is its type's prefix and a number (``F1``, ``B2``); new
  themes get the next free number, and changing a theme's type relabels it.
* A theme is made of the **codes** assigned to it (exactly those codes, not
  their sub-codes); a code may serve several themes.
* A theme's **dimensions** are derived from its codes: the top-level ancestor
  of each deductive code (``bond.trust`` → ``bond``); inductive codes give
  none. ``Theme.dimensions`` overrides the derived list when set.
* **Exemplars** are codings starred for a theme, optionally trimmed to part of
  the coding (``Exemplar.start``/``end``).
* Edits of a theme check its ``version`` when given ``expected_version``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.store.engine import Project
from workbench.store.models import (
    Code, Coding, Exemplar, Theme, ThemeCategory, ThemeCode, ThemeType
)

DEFAULT_TYPOLOGY = (("facilitator", "F"), ("barrier", "B"))
PREFIX = re.compile(r"^[A-Z][A-Za-z]{0,9}$")
LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,19}$")
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
    name, prefix = _clean(name, "a theme type needs a name"), prefix.strip()
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


def list_categories(project: Project) -> list[CategoryInfo]:
    with project.session() as session:
        return [_category_info(c) for c in _categories(session)]


def create_category(project: Project, name: str, description: str | None = None) -> CategoryInfo:
    name = _clean(name, "a category needs a name")
    with project.session() as session:
        if session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == name.lower())):
            raise WorkbenchError(f"there is already a category {name!r}")
        position = (session.scalar(select(func.max(ThemeCategory.position))) or 0) + 1
        category = ThemeCategory(name=name, description=_text(description), position=position)
        session.add(category)
        session.flush()
        return _category_info(category)


def update_category(project: Project, name: str, *, new_name: str = UNSET, description: str | None = UNSET) -> CategoryInfo:
    with project.session() as session:
        category = _require_category(session, name)
        if new_name is not UNSET:
            new_name = _clean(new_name, "a category needs a name")
            clash = session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == new_name.lower()))
            if clash is not None and clash.id != category.id:
                raise WorkbenchError(f"there is already a category {new_name!r}")
            category.name = new_name
        if description is not UNSET:
            category.description = _text(description)
        session.flush()
        return _category_info(category)


def delete_category(project: Project, name: str) -> None:
    """Delete a category; its themes stay, without a category."""
    with project.session() as session:
        category = _require_category(session, name)
        for theme in session.scalars(select(Theme).where(Theme.category_id == category.id)):
            theme.category_id = None
        session.delete(category)


def move_category(project: Project, name: str, step: int) -> None:
    """Move a category up (``step`` < 0) or down among the categories."""
    with project.session() as session:
        _swap(_categories(session), _require_category(session, name), step)


# Themes --------------------------------------------------------------------------


def list_themes(project: Project) -> list[ThemeInfo]:
    """Every theme: by category (in category order, uncategorised last), then by position."""
    with project.session() as session:
        return theme_infos(session)


def get_theme(project: Project, label: str) -> ThemeInfo:
    with project.session() as session:
        return _info(session, require_theme(session, label))


def list_dimensions(project: Project) -> list[Dimension]:
    with project.session() as session:
        return dimensions(session)


def create_theme(
    project: Project,
    name: str,
    type_name: str | None = None,
    *,
    category: str | None = None,
    description: str | None = None,
    codes: Iterable[str] = (),
    label: str | None = None,
) -> ThemeInfo:
    """A new theme, last in its category; the label is the type's next free one unless given."""
    name = _clean(name, "a theme needs a name")
    with project.session() as session:
        types = ensure_typology(session)
        theme_type = _require_type(session, type_name) if type_name else types[0]
        label = _check_label(session, label) if label else next_label(session, theme_type.prefix)
        position = (session.scalar(select(func.max(Theme.position))) or 0) + 1
        theme = Theme(
            label=label, name=name, type_id=theme_type.id, description=_text(description), position=position,
            category_id=_require_category(session, category).id if category else None,
        )
        session.add(theme)
        session.flush()
        for key in dict.fromkeys(codes):
            session.add(ThemeCode(theme_id=theme.id, code_id=require_code(session, key).id))
        session.flush()
        session.refresh(theme)
        return _info(session, theme)


def update_theme(
    project: Project,
    label: str,
    *,
    expected_version: int | None = None,
    name: str = UNSET,
    description: str | None = UNSET,
    category: str | None = UNSET,
    dimensions: Iterable[str] | None = UNSET,
) -> ThemeInfo:
    """Change the given fields; ``category=None`` takes the theme out of its category;
    ``dimensions=None`` goes back to the derived dimensions."""
    with project.session() as session:
        theme = require_theme(session, label, expected_version)
        if name is not UNSET:
            theme.name = _clean(name, "a theme needs a name")
        if description is not UNSET:
            theme.description = _text(description)
        if category is not UNSET:
            theme.category_id = _require_category(session, category).id if category else None
        if dimensions is not UNSET:
            theme.dimensions = None if dimensions is None else check_dimensions(session, dimensions)
        return _saved(session, theme)


def set_theme_type(project: Project, label: str, type_name: str, *, expected_version: int | None = None) -> ThemeInfo:
    """Give a theme another type; it is relabelled with the new type's next free label."""
    with project.session() as session:
        theme = require_theme(session, label, expected_version)
        theme_type = _require_type(session, type_name)
        if theme_type.id != theme.type_id:
            theme.type_id = theme_type.id
            theme.label = next_label(session, theme_type.prefix)
        return _saved(session, theme)


def toggle_theme_code(project: Project, label: str, code_key: str) -> bool:
    """Add a code to a theme, or remove it when the theme has it; True when the theme now has it."""
    with project.session() as session:
        theme = require_theme(session, label)
        code = require_code(session, code_key)
        link = session.get(ThemeCode, (theme.id, code.id))
        if link is None:
            session.add(ThemeCode(theme_id=theme.id, code_id=code.id))
        else:
            session.delete(link)
        return link is None


def set_theme_codes(project: Project, label: str, code_keys: Iterable[str]) -> ThemeInfo:
    with project.session() as session:
        theme = require_theme(session, label)
        ids = [require_code(session, key).id for key in dict.fromkeys(code_keys)]
        session.execute(delete(ThemeCode).where(ThemeCode.theme_id == theme.id))
        session.add_all(ThemeCode(theme_id=theme.id, code_id=i) for i in ids)
        session.flush()
        session.expire(theme)
        return _info(session, theme)


def move_theme(project: Project, label: str, step: int) -> None:
    """Move a theme up (``step`` < 0) or down among the themes of its category."""
    with project.session() as session:
        theme = require_theme(session, label)
        siblings = session.scalars(
            select(Theme).where(Theme.category_id.is_(None) if theme.category_id is None else Theme.category_id == theme.category_id)
            .order_by(Theme.position, Theme.id)
        ).all()
        _swap(list(siblings), theme, step)


def delete_theme(project: Project, label: str) -> None:
    """Delete a theme with its code links and exemplars (the codings stay)."""
    with project.session() as session:
        theme = require_theme(session, label)
        session.execute(delete(Exemplar).where(Exemplar.theme_id == theme.id))
        session.execute(delete(ThemeCode).where(ThemeCode.theme_id == theme.id))
        session.delete(theme)


# Exemplars ------------------------------------------------------------------------


def toggle_exemplar(project: Project, label: str, coding_id: int) -> bool:
    """Star a coding as an exemplar of a theme, or unstar it; True when it is now starred."""
    with project.session() as session:
        theme = require_theme(session, label)
        exemplar = session.scalar(select(Exemplar).where(Exemplar.theme_id == theme.id, Exemplar.coding_id == coding_id))
        if exemplar is not None:
            session.delete(exemplar)
            return False
        if session.get(Coding, coding_id) is None:
            raise NotFoundError(f"no coding {coding_id}; it may have been deleted, reload the theme")
        position = session.scalar(select(func.max(Exemplar.position)).where(Exemplar.theme_id == theme.id))
        session.add(Exemplar(theme_id=theme.id, coding_id=coding_id, position=(position or 0) + 1))
        return True


# Shared with the theme map, the roll-ups and the exports ----------------------------


def theme_infos(session: Session) -> list[ThemeInfo]:
    categories = {c.id: c.position for c in _categories(session)}
    themes = session.scalars(select(Theme)).all()
    themes = sorted(themes, key=lambda t: (t.category_id is None, categories.get(t.category_id, 0), t.position, t.id))
    index = _dimension_index(session)
    counts = dict(session.execute(select(Exemplar.theme_id, func.count()).group_by(Exemplar.theme_id)).all())
    return [_info(session, t, index, counts.get(t.id, 0)) for t in themes]


def dimensions(session: Session) -> list[Dimension]:
    """The dimensions: top-level deductive codes, in codebook order."""
    tops = session.scalars(
        select(Code).where(Code.parent_id.is_(None), Code.origin == "deductive").order_by(Code.position, Code.name)
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


# Helpers ------------------------------------------------------------------------------


def _info(session: Session, theme: Theme, index: dict[int, str | None] | None = None, exemplars: int | None = None) -> ThemeInfo:
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
    for code_id, _key, _parent, origin in rows:
        top, seen = by_id[code_id], {code_id}
        while top[2] is not None and top[2] in by_id and top[2] not in seen:
            seen.add(top[2])
            top = by_id[top[2]]
        result[code_id] = None if origin == "inductive" or top[3] == "inductive" or top[1] not in order else top[1]
    return dict(sorted(result.items(), key=lambda item: order.get(item[1], len(order)) if item[1] else len(order)))


def _saved(session: Session, theme: Theme) -> ThemeInfo:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"theme {theme.label!r} was changed by someone else; reload and try again") from None
    session.refresh(theme)
    return _info(session, theme)


def require_theme(session: Session, label: str, expected_version: int | None = None) -> Theme:
    theme = session.scalar(select(Theme).where(Theme.label == label.strip()))
    if theme is None:
        theme = session.scalar(select(Theme).where(func.lower(Theme.label) == label.strip().lower()))
    if theme is None:
        raise NotFoundError(f"no theme {label!r}; see the Themes screen or 'workbench themes export FILE'")
    if expected_version is not None and theme.version != expected_version:
        raise ConflictError(f"theme {theme.label} ({theme.name}) was changed by someone else; reload and try again")
    return theme


def _require_type(session: Session, name: str) -> ThemeType:
    types = ensure_typology(session)
    for t in types:
        if t.name.lower() == name.strip().lower() or t.prefix == name.strip():
            return t
    raise NotFoundError(f"no theme type {name!r}; the typology has {', '.join(t.name for t in types)}")


def _require_category(session: Session, name: str) -> ThemeCategory:
    category = session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == name.strip().lower()))
    if category is None:
        raise NotFoundError(f"no theme category {name!r}; create it first")
    return category


def require_code(session: Session, key: str) -> Code:
    code = session.scalar(select(Code).where(Code.key == key))
    if code is None:
        raise NotFoundError(f"no code {key!r}; see 'workbench codebook show'")
    return code


def _check_label(session: Session, label: str) -> str:
    label = label.strip()
    if not LABEL.match(label):
        raise WorkbenchError(f"theme label {label!r} must be short letters and digits, e.g. 'F1'")
    if session.scalar(select(Theme.id).where(Theme.label == label)) is not None:
        raise WorkbenchError(f"there is already a theme {label!r}")
    return label


def _categories(session: Session) -> list[ThemeCategory]:
    return list(session.scalars(select(ThemeCategory).order_by(ThemeCategory.position, ThemeCategory.id)))


def _category_info(c: ThemeCategory) -> CategoryInfo:
    return CategoryInfo(c.id, c.name, c.description, c.position)


def _swap(items: list[Any], item: Any, step: int) -> None:
    """Renumber ``items`` 0..n-1 in their order, with ``item`` moved by ``step`` places (clamped)."""
    ordered = sorted(items, key=lambda i: (i.position, i.id))
    index = ordered.index(item)
    ordered.insert(max(0, min(len(ordered) - 1, index + step)), ordered.pop(index))
    for position, each in enumerate(ordered):
        if each.position != position:
            each.position = position


def _clean(value: str, empty_message: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise WorkbenchError(empty_message)
    if len(value) > 255:
        raise WorkbenchError("names may be at most 255 characters")
    return value


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None
