"""Themes: the typology, higher-order categories, themes, their codes, dimensions and exemplar quotes.

Every function taking a :class:`Project` is one transaction and returns
frozen values (:class:`ThemeInfo`, :class:`ThemeSegment`, ...), never ORM rows.

Rules:

* A theme's **label** is its type's prefix and a number (``F1``, ``B2``); new
  themes get the next free number, and changing a theme's type relabels it.
* A theme is made of the **codes** assigned to it (exactly those codes, not
  their sub-codes); a code may serve several themes.
* A theme's **dimensions** are derived from its codes: the top-level ancestor
  of each deductive code below the top level (``bond.trust`` → ``bond``);
  inductive codes and codes with no parent give none. ``Theme.dimensions`` overrides the derived list when set.
* **Exemplars** are codings starred for a theme, optionally trimmed to part of
  the coding (``Exemplar.start``/``end``).
* Edits of a theme check its ``version`` when given ``expected_version``.

The typology and categories are :mod:`workbench.services.themes.categories`;
reading themes (:func:`theme_infos`, dimensions, lookups) is
:mod:`workbench.services.themes.queries`. Their public names are importable
from here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.errors import ConflictError, NotFoundError, WorkbenchError

# The category and type functions are re-exported: this module is the theme API screens call.
from workbench.services.codebook.codes import require_code
from workbench.services.themes.categories import (
    UNSET,
    clean_name,
    clean_text,
    ensure_typology,
    require_category,
    require_type,
    swap_positions,
)
from workbench.services.themes.queries import (
    Dimension,
    ThemeInfo,
    check_dimensions,
    dimensions,
    next_label,
    require_theme,
    theme_info,
    theme_infos,
)
from workbench.store.engine import Project
from workbench.store.models import Coding, Exemplar, Theme, ThemeCode

LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,19}$")


# Themes --------------------------------------------------------------------------


def list_themes(project: Project) -> list[ThemeInfo]:
    """Every theme: by category (in category order, uncategorised last), then by position."""
    with project.session() as session:
        return theme_infos(session)


def get_theme(project: Project, label: str) -> ThemeInfo:
    with project.session() as session:
        return theme_info(session, require_theme(session, label))


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
    name = clean_name(name, "a theme needs a name")
    with project.session() as session:
        types = ensure_typology(session)
        theme_type = require_type(session, type_name) if type_name else types[0]
        label = _check_label(session, label) if label else next_label(session, theme_type.prefix)
        position = (session.scalar(select(func.max(Theme.position))) or 0) + 1
        theme = Theme(
            label=label, name=name, type_id=theme_type.id, description=clean_text(description), position=position,
            category_id=require_category(session, category).id if category else None,
        )
        session.add(theme)
        session.flush()
        for key in dict.fromkeys(codes):
            session.add(ThemeCode(theme_id=theme.id, code_id=require_code(session, key, by_name=False).id))
        session.flush()
        session.refresh(theme)
        return theme_info(session, theme)


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
            theme.name = clean_name(name, "a theme needs a name")
        if description is not UNSET:
            theme.description = clean_text(description)
        if category is not UNSET:
            theme.category_id = require_category(session, category).id if category else None
        if dimensions is not UNSET:
            theme.dimensions = None if dimensions is None else check_dimensions(session, dimensions)
        return _saved(session, theme)


def set_theme_type(project: Project, label: str, type_name: str, *, expected_version: int | None = None) -> ThemeInfo:
    """Give a theme another type; it is relabelled with the new type's next free label."""
    with project.session() as session:
        theme = require_theme(session, label, expected_version)
        theme_type = require_type(session, type_name)
        if theme_type.id != theme.type_id:
            theme.type_id = theme_type.id
            theme.label = next_label(session, theme_type.prefix)
        return _saved(session, theme)


def toggle_theme_code(project: Project, label: str, code_key: str) -> bool:
    """Add a code to a theme, or remove it when the theme has it; True when the theme now has it."""
    with project.session() as session:
        theme = require_theme(session, label)
        code = require_code(session, code_key, by_name=False)
        link = session.get(ThemeCode, (theme.id, code.id))
        if link is None:
            session.add(ThemeCode(theme_id=theme.id, code_id=code.id))
        else:
            session.delete(link)
        return link is None


def move_theme(project: Project, label: str, step: int) -> None:
    """Move a theme up (``step`` < 0) or down among the themes of its category."""
    with project.session() as session:
        theme = require_theme(session, label)
        siblings = session.scalars(
            select(Theme).where(Theme.category_id.is_(None) if theme.category_id is None else Theme.category_id == theme.category_id)
            .order_by(Theme.position, Theme.id)
        ).all()
        swap_positions(list(siblings), theme, step)


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


# Helpers ------------------------------------------------------------------------------


def _saved(session: Session, theme: Theme) -> ThemeInfo:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"theme {theme.label!r} was changed by someone else; reload and try again") from None
    session.refresh(theme)
    return theme_info(session, theme)


def _check_label(session: Session, label: str) -> str:
    label = label.strip()
    if not LABEL.match(label):
        raise WorkbenchError(f"theme label {label!r} must be short letters and digits, e.g. 'F1'")
    if session.scalar(select(Theme.id).where(Theme.label == label)) is not None:
        raise WorkbenchError(f"there is already a theme {label!r}")
    return label
