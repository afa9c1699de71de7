"""Importing a REFI-QDA codebook (``.qdc``), and the ``<Codes>``/``<Sets>`` parsing the project import shares.

Tolerated: any QDA-XML namespace variant or none, ``{braced}``/upper-case
GUIDs, ``#RGB`` colours (expanded), other colour forms (replaced by a
palette colour, with a warning), a missing ``isCodable`` (codable), an empty
``<Sets/>`` (Taguette). Refused: two codes with one GUID, a set member that
names no code in the file (a dangling GUID), a code without a GUID or name.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from workbench.domain.codebook import COLOUR, normalise_colour
from workbench.errors import InputError
from workbench.interop.guids import normalise_guid
from workbench.interop.model import ParsedCode, ParsedSet, split_code_description
from workbench.interop.report import RefiImportReport, ReportBuilder
from workbench.interop.xml import KNOWN_NAMESPACES, attr, child_text, kid, kids, local, namespace, parse_xml
from workbench.store.engine import Project

MAX_CODEBOOK_BYTES = 64 * 2**20


def parse_codes(codes: etree._Element | None, where: str, report: ReportBuilder) -> list[ParsedCode]:
    """Every ``<Code>`` under ``<Codes>``, parents before children, GUIDs normalised."""
    result: list[ParsedCode] = []
    seen: dict[str, int | None] = {}

    def walk(element: etree._Element, parent: str | None) -> None:
        for code in kids(element, "Code"):
            guid = normalise_guid(code.get("guid"))
            name = (code.get("name") or "").strip()
            if not guid:
                raise InputError(where, "<Code> has no guid attribute; re-export the codebook", code.sourceline)
            if not name:
                raise InputError(where, f"<Code guid={guid!r}> has no name; give the code a name and re-export", code.sourceline)
            if guid in seen:
                raise InputError(
                    where, f"two codes share the GUID {guid} (first on line {seen[guid]}); re-export the file", code.sourceline
                )
            seen[guid] = code.sourceline
            codable = (code.get("isCodable") or "true").strip().lower() not in ("false", "0")
            result.append(
                ParsedCode(
                    guid=guid,
                    name=name,
                    parent=parent,
                    codable=codable,
                    colour=_colour(code, where, report),
                    text=split_code_description(child_text(code, "Description")),
                    notes=tuple(g for g in (normalise_guid(n.get("targetGUID")) for n in kids(code, "NoteRef")) if g),
                    line=code.sourceline,
                )
            )
            walk(code, guid)

    if codes is not None:
        walk(codes, None)
    return result


def _colour(code: etree._Element, where: str, report: ReportBuilder) -> str | None:
    value = attr(code, "color") or attr(code, "colour")
    if value is None:
        return None
    value = value.strip()
    if COLOUR.match(value):
        return normalise_colour(value)
    report.warnings.append(
        f"{where}:{code.sourceline}: colour {value!r} of code {code.get('name')!r} is not #RRGGBB or #RGB; a palette colour is used"
    )
    return None


def parse_sets(sets: etree._Element | None) -> list[ParsedSet]:
    """``<Set>``s: ``MemberCode`` carries ``@guid`` in a .qdc and ``@targetGUID`` in a project; both are read."""
    result = []
    for element in kids(sets, "Set"):
        def members(name: str) -> tuple[str, ...]:
            found = (normalise_guid(m.get("targetGUID") or m.get("guid")) for m in kids(element, name))
            return tuple(dict.fromkeys(g for g in found if g))

        result.append(
            ParsedSet(
                guid=normalise_guid(element.get("guid")) or f"set-line-{element.sourceline}",
                name=(element.get("name") or "").strip() or "Unnamed set",
                description=child_text(element, "Description"),
                codes=members("MemberCode"),
                sources=members("MemberSource"),
                notes=members("MemberNote"),
                line=element.sourceline,
            )
        )
    return result


def check_set_members(sets: list[ParsedSet], codes: list[ParsedCode], where: str) -> None:
    known = {c.guid for c in codes}
    for item in sets:
        for guid in item.codes:
            if guid not in known:
                raise InputError(
                    where, f"<Set name={item.name!r}> lists code {guid}, which the file does not define (dangling GUID); refused",
                    item.line,
                )


def note_namespace(root: etree._Element, where: str, report: ReportBuilder) -> None:
    ns = namespace(root)
    if ns is None:
        report.warnings.append(f"{where}: no QDA-XML namespace; read anyway")
    elif not KNOWN_NAMESPACES.match(ns):
        report.warnings.append(f"{where}: unknown namespace {ns!r}; read anyway")


def read_file(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(path, f"is {size // 2**20} MiB, over the {limit // 2**20} MiB limit; refused")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None


def import_codebook(project: Project, path: Path) -> RefiImportReport:
    """Merge a ``.qdc`` into the project's codebook (one transaction): by GUID, then our id, then name."""
    from workbench.interop.guids import GuidMap
    from workbench.interop.merge import merge_codes, merge_sets

    where = str(path)
    root = parse_xml(read_file(path, MAX_CODEBOOK_BYTES), where)
    if local(root) != "CodeBook":
        raise InputError(where, f"is not a REFI-QDA codebook: the root element is <{local(root)}>, not <CodeBook>", root.sourceline)
    report = ReportBuilder(where, "codebook", root.get("origin"))
    note_namespace(root, where, report)
    codes_element = kid(root, "Codes")
    if codes_element is None:
        raise InputError(where, "has no <Codes> element; it is not a REFI-QDA codebook", root.sourceline)
    codes = parse_codes(codes_element, where, report)
    sets = parse_sets(kid(root, "Sets"))
    check_set_members(sets, codes, where)
    with project.session() as session:
        guids = GuidMap(session)
        code_ids = merge_codes(session, codes, guids, report, codebook=f"REFI-QDA: {path.name}", loaded_from=where)
        merge_sets(session, sets, code_ids, guids, report)
        guids.save()
    return report.freeze()
