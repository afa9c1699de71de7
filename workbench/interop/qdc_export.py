"""Exporting the codebook as a REFI-QDA ``.qdc``, and the ``<Codes>``/``<Sets>`` builders the project export shares.

A code's Description carries its definition, then our other fields as
labelled lines ("When to use:", "When not to use:", "Example:",
"Keywords:") and last "Workbench id: <key>", so a re-import restores them and
keeps the key. Colours are ``#RRGGBB``. Folders (codes that are not
codable) go out as ``isCodable="false"``. Themes become Sets of their codes, with
"Theme F1; type: facilitator; category: …" heading the Set's Description.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.atomic import write_bytes
from workbench.domain.codebook import COLOUR, normalise_colour
from workbench.errors import WorkbenchError
from workbench.interop.guids import GuidMap
from workbench.interop.model import join_code_description
from workbench.interop.report import RefiExportReport
from workbench.interop.xml import CODEBOOK_NS, CODEBOOK_SCHEMA, new_root, serialise, sub
from workbench.services.codebook.codes import CodeInfo, list_codes
from workbench.store.engine import Project
from workbench.store.models import Code, Theme, ThemeCategory, ThemeCode, ThemeType


@dataclass(frozen=True)
class ThemeSet:
    label: str
    name: str
    type: str
    category: str | None
    description: str | None
    codes: tuple[str, ...]  # code keys


def theme_sets(session: Session) -> list[ThemeSet]:
    themes = session.execute(
        select(Theme.id, Theme.label, Theme.name, ThemeType.name, ThemeCategory.name, Theme.description)
        .join(ThemeType, ThemeType.id == Theme.type_id)
        .outerjoin(ThemeCategory, ThemeCategory.id == Theme.category_id)
        .order_by(Theme.position, Theme.id)
    ).all()
    members: dict[int, list[str]] = {}
    for theme_id, key in session.execute(
        select(ThemeCode.theme_id, Code.key).join(Code, Code.id == ThemeCode.code_id).order_by(Code.position, Code.key)
    ):
        members.setdefault(theme_id, []).append(key)
    return [ThemeSet(t[1], t[2], t[3], t[4], t[5], tuple(members.get(t[0], []))) for t in themes]


def set_description(theme: ThemeSet) -> str:
    header = f"Theme {theme.label}; type: {theme.type}" + (f"; category: {theme.category}" if theme.category else "")
    return header + (f"\n\n{theme.description.strip()}" if theme.description and theme.description.strip() else "")


def add_codes(
    parent: etree._Element,
    codes: list[CodeInfo],
    guids: GuidMap,
    note_refs: Callable[[CodeInfo], list[str]] | None = None,
    memos: Callable[[CodeInfo], list[str]] | None = None,
) -> dict[str, str]:
    """``<Codes>`` under ``parent`` (tree order, so Description and NoteRefs precede child Codes); key → GUID.

    ``memos`` gives a code's memo texts for its Description ("Memo:" lines), beside the NoteRefs that
    ``note_refs`` gives: a Code has no creatingUser and some readers see only its Description."""
    container = sub(parent, "Codes")
    elements: dict[str, etree._Element] = {}
    result: dict[str, str] = {}
    for code in codes:
        guid = guids.guid_for("code", code.key)
        colour = normalise_colour(code.colour) if code.colour and COLOUR.match(code.colour) else None
        element = sub(
            elements.get(code.parent_key, container) if code.parent_key else container,
            "Code",
            guid=guid,
            name=code.name,
            isCodable="true" if code.codable else "false",
            color=colour,
        )
        description = join_code_description(
            code.definition, code.when_to_use, code.when_not_to_use, code.example, code.keywords, code.key,
            memos(code) if memos else (),
        )
        sub(element, "Description", description)
        for note in note_refs(code) if note_refs else []:
            sub(element, "NoteRef", targetGUID=note)
        elements[code.key] = element
        result[code.key] = guid
    return result


def add_sets(parent: etree._Element, themes: list[ThemeSet], guids: GuidMap, code_guids: dict[str, str], member: str) -> None:
    """``<Sets>`` (only when there are themes: an empty ``<Sets/>`` is invalid). ``member`` is the MemberCode attribute."""
    if not themes:
        return
    container = sub(parent, "Sets")
    for theme in themes:
        element = sub(container, "Set", guid=guids.guid_for("theme", theme.label), name=theme.name)
        sub(element, "Description", set_description(theme))
        for key in theme.codes:
            if key in code_guids:
                sub(element, "MemberCode", **{member: code_guids[key]})


def export_codebook(project: Project, out: Path) -> RefiExportReport:
    """Write the project's codebook (and themes as sets) as a ``.qdc``."""
    if out.suffix.lower() != ".qdc":
        raise WorkbenchError(f"{out}: a REFI-QDA codebook file must end in .qdc")
    from workbench import __version__

    with project.session() as session:
        guids = GuidMap(session)
        codes = list_codes(session)
        if not codes:
            raise WorkbenchError("the project has no codes; load or create a codebook before exporting it")
        themes = theme_sets(session)
        root = new_root("CodeBook", CODEBOOK_NS, CODEBOOK_SCHEMA, origin=f"Thematic Workbench {__version__}")
        code_guids = add_codes(root, codes, guids)
        add_sets(root, themes, guids, code_guids, "guid")
    data = serialise(root)
    write_bytes(out, data)
    return RefiExportReport(str(out), "codebook", codes=len(codes), themes=len(themes))
