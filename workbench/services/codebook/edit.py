"""Editing the codebook: create, update, rename, move, merge and delete codes.

Every function is one transaction (``project.session()``) and returns frozen
:class:`~workbench.services.codebook.codes.CodeInfo` values or reports, never ORM rows.

Rules:

* A code's **key** (its id: ``bond.trust``) never changes once created, so
  codings CSVs, exports and the YAML codebook keep matching. Renaming and
  moving change the display name and the place in the tree only.
* Two codes under the same parent may not share a name (case-insensitive),
  the same rule as the YAML codebook.
* **Edits are checked optimistically**: ``Code.version`` goes up on every
  change, and a caller passing ``expected_version`` gets a
  :class:`~workbench.errors.ConflictError` when someone changed the code since
  it was read. ``update_code`` always checks; rename, move and delete check
  when given a version.
* **Move** refuses to put a code under itself or one of its descendants.
* **Merge** moves every coding of the source code to the target; a coding
  that the target already has (same coder, source and span) collapses into
  the target's one, keeping both memos. The source's children become the
  target's children (renamed "Name (from Source)" when the target already has
  a child of that name), memos about the source move to the target, and the
  source is deleted. Merging a code into its own descendant is refused.
* **Delete** removes the code, its codings and memos about it. A code with
  children is refused unless ``cascade=True``, which deletes the whole subtree
  and every coding in it. :func:`codings_count` tells a UI what a delete would
  take with it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workbench.domain.codebook import COLOUR, TEXT_FIELDS, normalise_colour
from workbench.errors import ConflictError, WorkbenchError
from workbench.services.codebook.codes import CodeInfo, add_code, list_codes, require_code
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import CODE_ORIGINS, Code, Coder, Coding, Memo

MAX_NAME = 255


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Default of every optional field: leave the stored value as it is."""


@dataclass(frozen=True)
class MergeReport:
    source_key: str
    target_key: str
    codings_moved: int
    codings_collapsed: int
    children_moved: tuple[str, ...]
    children_renamed: tuple[str, ...]


@dataclass(frozen=True)
class DeleteReport:
    deleted_keys: tuple[str, ...]
    codings_deleted: int


def all_codes(project: Project, coder: str | None = None) -> list[CodeInfo]:
    """The codebook in tree order; with ``coder``, counts only that coder's codings (blind mode)."""
    with project.session() as session:
        codes = list_codes(session)
        if coder is None:
            return codes
        counts = dict(
            session.execute(
                select(Coding.code_id, func.count())
                .join(Coder, Coder.id == Coding.coder_id)
                .where(Coder.name == coder)
                .group_by(Coding.code_id)
            ).all()
        )
    return [dataclasses.replace(c, codings=counts.get(c.id, 0)) for c in codes]


def get_code(project: Project, key: str) -> CodeInfo:
    with project.session() as session:
        return _info(session, require_code(session, key, by_name=False).key)


def codings_count(project: Project, key: str, *, include_children: bool = False) -> int:
    """Codings of one code (by anyone), or of its whole subtree."""
    with project.session() as session:
        code = require_code(session, key, by_name=False)
        ids = _subtree_ids(session, code.id) if include_children else [code.id]
        return session.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids))) or 0


def create_code(
    project: Project,
    name: str,
    parent_key: str | None = None,
    origin: str | None = None,
    *,
    coder: str | None = None,
    definition: str | None = None,
    when_to_use: str | None = None,
    when_not_to_use: str | None = None,
    example: str | None = None,
    keywords: Iterable[str] = (),
    colour: str | None = None,
    codable: bool = True,
) -> CodeInfo:
    """A new code, last among its siblings.

    The key is derived from the name (``parent.key + "." + slug``, made unique);
    ``origin`` defaults to the parent's, or ``inductive`` at the top level;
    ``colour`` defaults to one from the palette.
    """
    name = _check_name(name)
    if origin is not None and origin not in CODE_ORIGINS:
        raise WorkbenchError(f"origin must be one of {', '.join(CODE_ORIGINS)}, not {origin!r}")
    with project.session() as session:
        parent = require_code(session, parent_key, by_name=False) if parent_key else None
        _check_sibling_name(session, parent.id if parent else None, name)
        code = add_code(
            session, name, parent=parent, origin=origin, keywords=_check_keywords(keywords),
            colour=_check_colour(colour) if colour else None, codable=codable,
            created_by_id=get_or_create_coder(session, coder).id if coder else None,
            definition=_clean_text(definition), when_to_use=_clean_text(when_to_use),
            when_not_to_use=_clean_text(when_not_to_use), example=_clean_text(example),
        )  # fmt: skip
        key = code.key
        return _info(session, key)


def update_code(
    project: Project,
    key: str,
    *,
    expected_version: int,
    name: str = UNSET,
    definition: str | None = UNSET,
    when_to_use: str | None = UNSET,
    when_not_to_use: str | None = UNSET,
    example: str | None = UNSET,
    keywords: Iterable[str] = UNSET,
    colour: str | None = UNSET,
    codable: bool = UNSET,
) -> CodeInfo:
    """Change the given fields (the others stay); blank text clears a field. A code that is made a
    folder (``codable=False``) keeps the codings it has; new codings cannot use it.

    Raises :class:`ConflictError` when the code's version is no longer ``expected_version``.
    """
    values: dict[str, object] = {}
    new_name: str | None = None
    if name is not UNSET:
        values["name"] = new_name = _check_name(name)
    for field, value in zip(TEXT_FIELDS, (definition, when_to_use, when_not_to_use, example)):
        if value is not UNSET:
            values[field] = _clean_text(value)
    if keywords is not UNSET:
        values["keywords"] = _check_keywords(keywords)
    if colour is not UNSET:
        values["colour"] = _check_colour(colour) if colour else None
    if codable is not UNSET:
        values["codable"] = bool(codable)
    with project.session() as session:
        code = require_code(session, key, by_name=False)
        _check_version(code, expected_version)
        if new_name is not None and new_name != code.name:
            _check_sibling_name(session, code.parent_id, new_name, code.id)
        for field, new_value in values.items():
            if getattr(code, field) != new_value:
                setattr(code, field, new_value)
        _flush(session, key)
        return _info(session, key)


def rename_code(project: Project, key: str, new_name: str, *, expected_version: int | None = None) -> CodeInfo:
    """Change a code's display name (its key stays)."""
    name = _check_name(new_name)
    with project.session() as session:
        code = require_code(session, key, by_name=False)
        _check_version(code, expected_version)
        if name != code.name:
            _check_sibling_name(session, code.parent_id, name, code.id)
            code.name = name
        _flush(session, key)
        return _info(session, key)


def move_code(
    project: Project, key: str, new_parent_key: str | None, *, expected_version: int | None = None
) -> CodeInfo:
    """Put a code (with its subtree) under another parent, or at the top level (``None``)."""
    with project.session() as session:
        code = require_code(session, key, by_name=False)
        _check_version(code, expected_version)
        parent = require_code(session, new_parent_key, by_name=False) if new_parent_key else None
        parent_id = parent.id if parent else None
        if parent is not None and parent.id in _subtree_ids(session, code.id):
            where = "itself" if parent.id == code.id else f"its own sub-code {parent.name!r}"
            raise WorkbenchError(f"cannot move {code.name!r} under {where}; choose a code outside its branch")
        if parent_id != code.parent_id:
            _check_sibling_name(session, parent_id, code.name, code.id)
            code.parent_id = parent_id
            code.position = max((s.position for s in _siblings(session, parent_id)), default=-1) + 1
        _flush(session, key)
        return _info(session, key)


def merge_codes(project: Project, source_key: str, target_key: str) -> MergeReport:
    """Fold ``source`` into ``target`` (see the module rules); ``source`` is deleted."""
    with project.session() as session:
        source, target = require_code(session, source_key, by_name=False), require_code(session, target_key, by_name=False)
        if source.id == target.id:
            raise WorkbenchError(f"cannot merge {source.name!r} into itself; choose another code")
        if target.id in _subtree_ids(session, source.id):
            raise WorkbenchError(
                f"cannot merge {source.name!r} into its own sub-code {target.name!r}; merge the other way or move it out first"
            )
        if not target.codable and session.scalar(select(Coding.id).where(Coding.code_id == source.id).limit(1)):
            raise WorkbenchError(
                f"{target.name!r} is a folder that only groups codes; its codings would have nowhere to go — "
                "merge into a codable code, or move the code under the folder instead"
            )
        kept = {
            (c.coder_id, c.source_id, c.start, c.end): c
            for c in session.scalars(select(Coding).where(Coding.code_id == target.id))
        }
        moved = collapsed = 0
        for coding in session.scalars(select(Coding).where(Coding.code_id == source.id).order_by(Coding.id)):
            slot = (coding.coder_id, coding.source_id, coding.start, coding.end)
            twin = kept.get(slot)
            if twin is None:
                coding.code_id = target.id
                kept[slot] = coding
                moved += 1
            else:
                twin.memo = _join_memos(twin.memo, coding.memo)
                session.delete(coding)
                collapsed += 1
        taken = {c.name.lower() for c in _siblings(session, target.id)}
        position = max((c.position for c in _siblings(session, target.id)), default=-1) + 1
        children, renamed = [], []
        for child in _siblings(session, source.id):
            if child.name.lower() in taken:
                child.name = _free_name(f"{child.name} (from {source.name})", taken)
                renamed.append(child.key)
            taken.add(child.name.lower())
            child.parent_id, child.position = target.id, position
            position += 1
            children.append(child.key)
        session.execute(
            update(Memo).where(Memo.target_kind == "code", Memo.target_id == source.id).values(target_id=target.id)
        )
        session.flush()
        session.delete(source)
        _flush(session, source_key)
        return MergeReport(source.key, target.key, moved, collapsed, tuple(children), tuple(renamed))


def delete_code(
    project: Project, key: str, *, cascade: bool = False, expected_version: int | None = None
) -> DeleteReport:
    """Delete a code with its codings; a code with children needs ``cascade=True``."""
    with project.session() as session:
        code = require_code(session, key, by_name=False)
        _check_version(code, expected_version)
        ids = _subtree_ids(session, code.id)
        if len(ids) > 1 and not cascade:
            raise WorkbenchError(
                f"{code.name!r} has {len(ids) - 1} sub-code(s); move or merge them first, or delete the whole branch"
            )
        keys = dict(session.execute(select(Code.id, Code.key).where(Code.id.in_(ids))).all())
        deleted = session.execute(delete(Coding).where(Coding.code_id.in_(ids)))
        assert isinstance(deleted, CursorResult)  # what a DELETE gives (typed as any Result)
        codings = deleted.rowcount or 0
        session.execute(delete(Memo).where(Memo.target_kind == "code", Memo.target_id.in_(ids)))
        for code_id in reversed(ids):  # children before their parents
            session.delete(session.get(Code, code_id))
            _flush(session, key)
        return DeleteReport(tuple(keys[i] for i in ids), codings)


def _info(session: Session, key: str) -> CodeInfo:
    return next(c for c in list_codes(session) if c.key == key)


def _subtree_ids(session: Session, root_id: int) -> list[int]:
    """The code and all its descendants, parents before children."""
    children: dict[int | None, list[int]] = {}
    for code_id, parent_id in session.execute(select(Code.id, Code.parent_id)).all():
        children.setdefault(parent_id, []).append(code_id)
    result, queue = [], [root_id]
    while queue:
        current = queue.pop(0)
        result.append(current)
        queue.extend(children.get(current, []))
    return result


def _siblings(session: Session, parent_id: int | None) -> list[Code]:
    where = Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id
    return list(session.scalars(select(Code).where(where).order_by(Code.position, Code.id)))


def _check_sibling_name(session: Session, parent_id: int | None, name: str, own_id: int | None = None) -> None:
    for sibling in _siblings(session, parent_id):
        if sibling.id != own_id and sibling.name.lower() == name.lower():
            where = "at the top level" if parent_id is None else "under the same parent"
            raise WorkbenchError(f"there is already a code named {sibling.name!r} {where}; choose another name")


def _check_version(code: Code, expected: int | None) -> None:
    if expected is not None and code.version != expected:
        raise ConflictError(
            f"code {code.name!r} ({code.key}) was changed by someone else; reload and try again"
        )


def _flush(session: Session, key: str) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(f"code {key!r} was changed by someone else; reload and try again") from None


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise WorkbenchError("a code needs a name")
    if len(name) > MAX_NAME:
        raise WorkbenchError(f"a code name may be at most {MAX_NAME} characters")
    return name


def _check_colour(colour: str) -> str:
    colour = colour.strip()
    if not COLOUR.match(colour):
        raise WorkbenchError(f"colour {colour!r} must look like #RRGGBB or #RGB")
    return normalise_colour(colour)


def _check_keywords(keywords: Iterable[str]) -> list[str]:
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    result: list[str] = []
    for word in keywords:
        word = " ".join(str(word).split())
        if word and word.lower() not in (w.lower() for w in result):
            result.append(word)
    return result


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _join_memos(kept: str | None, other: str | None) -> str | None:
    if not other or other == kept:
        return kept
    return f"{kept}\n\n{other}" if kept else other


def _free_name(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{name} {number}", number + 1
    return candidate
