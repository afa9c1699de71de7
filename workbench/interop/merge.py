"""Merging an imported codebook (codes and sets) into the project, inside the caller's transaction.

Codes are matched, in this order:

1. **by GUID**: a GUID remembered from an earlier import, or the GUID this
   project exports for the code. The file wins: its name (the code is
   *renamed* when they differ), description and colour replace ours.
2. **by id**: the ``Workbench id:`` line our own exports end a description
   with. The file wins as for a GUID.
3. **by name**: the same name (case-insensitive) under the same parent. Only
   an empty definition or colour is filled in from the file.

Anything else is **added** under its (matched or added) parent, with a key
made from the path of names (``parent_key.slug``). A matched code keeps its
key and its place in the tree. Two codes of one file with the same name under
one parent stay apart: the second is added as "Name (2)" (*renamed*). The
GUIDs of added codes and of codes matched by GUID or id are remembered (a
name match is not: the next import matches by name again). Added codes, and
codes matched by GUID or id, take the file's ``isCodable``: a non-codable
folder only groups codes, and no new coding can use it.

Sets that list codes become themes (a theme is a set of codes); a set
written by our export (its description starts ``Theme F1; type: …``) gets
its label, type and category back, any other set becomes a theme of type
"code group". A theme is matched by GUID, then by name; a matched theme
gains the set's codes it lacks.

**Keeping ours** (``conflicts=[...]``, what ``workbench merge`` uses): a
matched code is never changed. Where the file gives it another name, parent
or definition (a field the file leaves empty is no difference), the code is
listed in ``conflicts`` with both versions instead; added codes take the
file's origin (an inductive code arrives as one), its parent's codebook and
``created_by_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.vocabulary import CodeOrigin
from workbench.interop.guids import GuidMap
from workbench.interop.model import THEME_HEADER, ParsedCode, ParsedSet
from workbench.interop.report import ReportBuilder
from workbench.services.codebook.codes import add_code
from workbench.store.models import Code, Codebook, Theme, ThemeCategory, ThemeCode, ThemeType

MAX_NAME = 255
GROUP_TYPE = "code group"
COMPARED = ("name", "parent", "definition")


@dataclass(frozen=True)
class CodeConflict:
    """A matched code the file describes differently; ours was kept."""

    code_id: int
    key: str
    how: str  # matched by "GUID" | "id" | "name"
    fields: tuple[str, ...]  # which of COMPARED differ
    ours: tuple[tuple[str, str | None], ...]  # (field, our value) for every field in COMPARED
    theirs: tuple[tuple[str, str | None], ...]


def merge_codes(
    session: Session, codes: list[ParsedCode], guids: GuidMap, report: ReportBuilder, *, codebook: str, loaded_from: str,
    conflicts: list[CodeConflict] | None = None, created_by_id: int | None = None,
) -> dict[str, int]:
    """Merge parsed codes (parents first); returns file GUID → code id (see the module docstring)."""
    keep_ours = conflicts is not None
    existing = list(session.scalars(select(Code)))
    by_key = {c.key: c for c in existing}
    by_guid = {guids.guid_for("code", c.key): c for c in existing}
    by_guid.update({g: by_key[k] for g, k in guids.by_guid["code"].items() if k in by_key})
    children: dict[int | None, dict[str, Code]] = {}
    for known in existing:
        children.setdefault(known.parent_id, {}).setdefault(known.name.lower(), known)
    created: set[int] = set()
    book: Codebook | None = None
    result: dict[str, int] = {}
    for parsed in codes:
        parent_id = result.get(parsed.parent) if parsed.parent else None
        name = parsed.name[:MAX_NAME]
        code, how = by_guid.get(parsed.guid), "GUID"
        if code is None and parsed.text.key and parsed.text.key in by_key:
            code, how = by_key[parsed.text.key], "id"
        if code is None:
            code, how = children.get(parent_id, {}).get(name.lower()), "name"
            if code is not None and code.id in created:  # a duplicate inside the file: keep it apart
                name = _free_name(children.get(parent_id, {}), name)
                report.codes_renamed.append(f"{parsed.name!r} → {name!r} (a sibling in the file has that name)")
                code = None
        if code is None:
            parent_book = session.get_one(Code, parent_id).codebook_id if keep_ours and parent_id is not None else None
            if book is None and parent_book is None:
                book = _codebook(session, codebook, loaded_from)
            code, how = _add(session, parsed, name, parent_id, by_key, children, book, keep_ours, created_by_id), "added"
            created.add(code.id)
            report.codes_added.append(_path(session, code))
        elif keep_ours:
            assert conflicts is not None
            conflict = _conflict(session, code, parsed, name, parent_id, how)
            if conflict is not None:
                conflicts.append(conflict)
            report.codes_matched.append(f"{code.name} (by {how})")
            result[parsed.guid] = code.id
            continue
        else:
            _update(code, parsed, name, how, children, report)
            report.codes_matched.append(f"{code.name} (by {how})")
        if how != "name":  # a name match is a different tool's code: not linked for good, nor made a folder
            guids.remember("code", parsed.guid, code.key)
            by_guid[parsed.guid] = code
            code.codable = parsed.codable
        report.folders += not parsed.codable
        result[parsed.guid] = code.id
    return result


def _codebook(session: Session, name: str, loaded_from: str) -> Codebook:
    book = session.scalar(select(Codebook).where(Codebook.name == name))
    if book is None:
        book = Codebook(name=name, description="Imported from a REFI-QDA file.", loaded_from=loaded_from)
        session.add(book)
        session.flush()
    return book


def _free_name(siblings: dict[str, Code], name: str) -> str:
    number = 2
    while f"{name} ({number})".lower() in siblings:
        number += 1
    return f"{name} ({number})"


def _add(
    session: Session,
    parsed: ParsedCode,
    name: str,
    parent_id: int | None,
    by_key: dict[str, Code],
    children: dict[int | None, dict[str, Code]],
    book: Codebook | None,
    keep_ours: bool = False,
    created_by_id: int | None = None,
) -> Code:
    parent = session.get(Code, parent_id) if parent_id is not None else None
    siblings = children.setdefault(parent_id, {})
    text = parsed.text
    if keep_ours and parent is not None and parent.codebook_id:
        codebook_id = parent.codebook_id
    else:
        assert book is not None  # merge_codes reads or makes the codebook unless the parent's is kept
        codebook_id = book.id
    code = add_code(
        session, name, parent=parent, key=text.key, origin=parsed.origin if keep_ours else CodeOrigin.DEDUCTIVE,
        codebook_id=codebook_id,
        colour=parsed.colour, keywords=text.keywords, taken=by_key, created_by_id=created_by_id,
        definition=text.definition, when_to_use=text.when_to_use, when_not_to_use=text.when_not_to_use,
        example=text.example,
    )  # fmt: skip
    by_key[code.key] = code
    siblings[name.lower()] = code
    return code


def _update(
    code: Code, parsed: ParsedCode, name: str, how: str, children: dict[int | None, dict[str, Code]], report: ReportBuilder
) -> None:
    text = parsed.text
    if how == "name":  # a different tool's code that happens to share the name: fill gaps only
        if not code.definition and text.definition:
            code.definition = text.definition
        if not code.colour and parsed.colour:
            code.colour = parsed.colour
        return
    if name != code.name:
        siblings = children.setdefault(code.parent_id, {})
        clash = siblings.get(name.lower())
        if clash is not None and clash is not code:
            report.warnings.append(f"code {code.name!r} is called {name!r} in the file, but a sibling has that name; kept")
        else:
            report.codes_renamed.append(f"{code.name!r} → {name!r} (same {how})")
            siblings.pop(code.name.lower(), None)
            siblings[name.lower()] = code
            code.name = name
    for field in ("definition", "when_to_use", "when_not_to_use", "example"):
        value = getattr(text, field)
        if value is not None and value != getattr(code, field):
            setattr(code, field, value)
    if text.keywords and list(text.keywords) != list(code.keywords or []):
        code.keywords = list(text.keywords)
    if parsed.colour and parsed.colour != code.colour:
        code.colour = parsed.colour


def _conflict(session: Session, code: Code, parsed: ParsedCode, name: str, parent_id: int | None, how: str) -> CodeConflict | None:
    """How the file's version of a matched code differs from ours (fields the file leaves empty never differ)."""
    def parent_path(code_id: int | None) -> str | None:
        parent = session.get(Code, code_id) if code_id is not None else None
        return _path(session, parent) if parent is not None else None

    ours = {"name": code.name, "parent": parent_path(code.parent_id), "definition": code.definition}
    theirs = {"name": name, "parent": parent_path(parent_id), "definition": parsed.text.definition}
    differ = [f for f in COMPARED if f == "parent" and parent_id != code.parent_id
              or f != "parent" and (theirs[f] or "").strip() and (theirs[f] or "").strip() != (ours[f] or "").strip()]
    if not differ:
        return None
    return CodeConflict(code.id, code.key, how, tuple(differ), tuple(ours.items()), tuple(theirs.items()))


def _path(session: Session, code: Code) -> str:
    names = [code.name]
    parent_id = code.parent_id
    while parent_id is not None and len(names) < 20:
        parent = session.get(Code, parent_id)
        if parent is None:
            break
        names.append(parent.name)
        parent_id = parent.parent_id
    return " / ".join(reversed(names))


def merge_sets(session: Session, sets: list[ParsedSet], code_ids: dict[str, int], guids: GuidMap, report: ReportBuilder) -> None:
    """Sets of codes become themes; sets of sources or notes alone are skipped (and counted)."""
    for item in sets:
        members = [code_ids[g] for g in item.codes if g in code_ids]
        report.skip("set members that are sources or notes (document groups)", len(item.sources) + len(item.notes))
        if not members:
            report.skip("sets without codes")
            continue
        theme = _find_theme(session, item, guids)
        if theme is None:
            theme = _new_theme(session, item)
            report.themes_added.append(f"{theme.label} {theme.name}")
        else:
            report.themes_matched.append(f"{theme.label} {theme.name}")
        have = set(session.scalars(select(ThemeCode.code_id).where(ThemeCode.theme_id == theme.id)))
        for code_id in dict.fromkeys(members):
            if code_id not in have:
                session.add(ThemeCode(theme_id=theme.id, code_id=code_id))
        guids.remember("theme", item.guid, theme.label)
    session.flush()


def _find_theme(session: Session, item: ParsedSet, guids: GuidMap) -> Theme | None:
    themes = list(session.scalars(select(Theme)))
    by_label = {t.label: t for t in themes}
    label = guids.key_for("theme", item.guid)
    if label in by_label:
        return by_label[label]
    for theme in themes:
        if guids.guid_for("theme", theme.label) == item.guid:
            return theme
    return next((t for t in themes if t.name.lower() == item.name.lower()), None)


def _new_theme(session: Session, item: ParsedSet) -> Theme:
    header = THEME_HEADER.match((item.description or "").split("\n", 1)[0])
    description = item.description
    label_hint, type_name, category_name = None, GROUP_TYPE, None
    if header:
        label_hint, type_name, category_name = header.group("label"), header.group("type").strip(), header.group("category")
        description = (item.description or "").split("\n", 1)[1].strip() if "\n" in (item.description or "") else None
    theme_type = _theme_type(session, type_name, "".join(ch for ch in (label_hint or "") if ch.isalpha()))
    labels = set(session.scalars(select(Theme.label)))
    label = label_hint if label_hint and label_hint not in labels and label_hint.startswith(theme_type.prefix) else None
    if label is None:
        prefix = theme_type.prefix
        numbers = [int(x[len(prefix):]) for x in labels if x.startswith(prefix) and x[len(prefix):].isdigit()]
        label = f"{prefix}{max(numbers, default=0) + 1}"
    category = None
    if category_name:
        wanted = category_name.strip().lower()
        category = session.scalar(select(ThemeCategory).where(func.lower(ThemeCategory.name) == wanted))
        if category is None:
            position = (session.scalar(select(func.max(ThemeCategory.position))) or 0) + 1
            category = ThemeCategory(name=category_name.strip()[:MAX_NAME], position=position)
            session.add(category)
            session.flush()
    position = (session.scalar(select(func.max(Theme.position))) or 0) + 1
    theme = Theme(
        label=label, name=item.name[:MAX_NAME], type_id=theme_type.id, description=description or None,
        category_id=category.id if category else None, position=position,
    )
    session.add(theme)
    session.flush()
    return theme


def _theme_type(session: Session, name: str, prefix_hint: str) -> ThemeType:
    from workbench.services.themes.edit import ensure_typology

    types = ensure_typology(session)  # keep the default typology in a project that had none
    found = next((t for t in types if t.name.lower() == name.lower()), None)
    if found is not None:
        return found
    taken = {t.prefix for t in types}
    letters = "".join(ch for ch in name.title() if ch.isalpha()) or "Group"
    candidates = [prefix_hint] if prefix_hint else []
    candidates += [letters[:n] for n in range(1, min(len(letters), 10) + 1)] + ["G", "Grp", "Set"]
    prefix = next((p for p in candidates if p and p[0].isupper() and p not in taken), None)
    if prefix is None:
        prefix = next(f"X{chr(97 + i)}" for i in range(26) if f"X{chr(97 + i)}" not in taken)
    theme_type = ThemeType(name=name[:100], prefix=prefix[:10], position=len(types))
    session.add(theme_type)
    session.flush()
    return theme_type
