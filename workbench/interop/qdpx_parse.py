"""Reading a ``project.qde`` (and the source files it names) into a :class:`ParsedProject`.

Pure reading: no database. What the workbench can hold is parsed; what it
cannot (pictures, PDF areas, audio/video selections, graphs, links between
codes, ...) is counted by kind in the report, never dropped silently.
Every GUID a kept element refers to must exist in the file, with the right
kind; a dangling reference refuses the whole file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import PurePosixPath

from lxml import etree

from workbench.domain.spans import without_leading_bom
from workbench.errors import InputError
from workbench.interop.container import FolderContainer, ZipContainer
from workbench.interop.guids import normalise_guid
from workbench.interop.model import (
    ParsedCase,
    ParsedCoding,
    ParsedLink,
    ParsedNote,
    ParsedProject,
    ParsedSelection,
    ParsedText,
    ParsedUser,
)
from workbench.interop.positions import SourceText, decode_source
from workbench.interop.qdc_import import parse_codes, parse_sets
from workbench.interop.report import ReportBuilder
from workbench.interop.xml import attr, child_text, elements, int_attr, kid, kids, local
from workbench.services.importing.readers import normalise_newlines

TEXT_EXTENSIONS = (".txt", ".docx", ".doc", ".rtf", ".pdf", ".md", ".odt", ".htm", ".html")
MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
# Which kind of element each reference must point at (None: any element with a guid).
REFERENCE_KINDS = {
    "CodeRef": "Code", "MemberCode": "Code", "NoteRef": "Note", "MemberNote": "Note", "VariableRef": "Variable",
    "MemberSource": "source", "SourceRef": "source", "SelectionRef": None,
}
SOURCE_ELEMENTS = {"TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource"}


def parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _refs(element: etree._Element, name: str) -> tuple[str, ...]:
    found = (normalise_guid(e.get("targetGUID")) for e in kids(element, name))
    return tuple(g for g in found if g)


def check_references(root: etree._Element, where: str) -> None:
    """Refuse the file when a reference names a GUID it does not define (or one of the wrong kind)."""
    kinds: dict[str, set[str]] = {}
    for element in elements(root):
        guid = normalise_guid(element.get("guid"))
        if guid:
            name = local(element)
            kinds.setdefault(guid, set()).add("source" if name in SOURCE_ELEMENTS else name)
    for element in elements(root):
        name = local(element)
        checks: list[tuple[str, str | None, str]] = []
        if name in REFERENCE_KINDS:
            checks.append(("targetGUID", REFERENCE_KINDS[name], name))
        elif name == "Link":
            checks += [("originGUID", None, "Link origin"), ("targetGUID", None, "Link target")]
        elif name == "TranscriptSelection":
            checks += [("fromSyncPoint", "SyncPoint", name), ("toSyncPoint", "SyncPoint", name)]
        if element.get("creatingUser"):
            checks.append(("creatingUser", "User", f"{name} creatingUser"))
        for attribute, kind, label in checks:
            guid = normalise_guid(element.get(attribute))
            if guid is None:
                continue
            found = kinds.get(guid)
            if not found or (kind is not None and kind not in found):
                wanted = f"a {kind.lower()}" if kind else "anything"
                raise InputError(
                    where,
                    f"<{label}> points to {guid}, which is not {wanted} in the file (dangling GUID); "
                    "the file is damaged, re-export it",
                    element.sourceline,
                )


class ProjectReader:
    def __init__(self, container: ZipContainer | FolderContainer, where: str, report: ReportBuilder) -> None:
        self.container = container
        self.where = where
        self.report = report
        self.base_path: str | None = None
        self.targets: dict[str, str] = {}

    def read(self, root: etree._Element) -> ParsedProject:
        self.base_path = attr(root, "basePath")
        users = tuple(self._user(u) for u in kids(kid(root, "Users"), "User"))
        codes = parse_codes(kid(kid(root, "CodeBook"), "Codes"), self.where, self.report)
        for code in codes:
            self.targets[code.guid] = "code"
        variables = {
            normalise_guid(v.get("guid")): (v.get("name") or "").strip() for v in kids(kid(root, "Variables"), "Variable")
        }
        cases = tuple(self._case(c, variables) for c in kids(kid(root, "Cases"), "Case"))
        texts: list[ParsedText] = []
        sources = kid(root, "Sources")
        for source in sources if sources is not None else []:
            if isinstance(source.tag, str):
                texts.extend(self._source(source))
        notes = tuple(self._note(n) for n in kids(kid(root, "Notes"), "Note"))
        links = tuple(
            ParsedLink(
                normalise_guid(link.get("guid")) or "",
                normalise_guid(link.get("originGUID")),
                normalise_guid(link.get("targetGUID")),
                _refs(link, "NoteRef"),
            )
            for link in kids(kid(root, "Links"), "Link")
        )
        self.report.skip("graphs (diagrams)", len(kids(kid(root, "Graphs"), "Graph")))
        return ParsedProject(
            name=(root.get("name") or "").strip(),
            origin=attr(root, "origin"),
            creating_user=normalise_guid(root.get("creatingUserGUID")),
            users=users,
            codes=tuple(codes),
            sets=tuple(parse_sets(kid(root, "Sets"))),
            texts=tuple(texts),
            notes=notes,
            links=links,
            cases=cases,
            project_notes=_refs(root, "NoteRef"),
            description=child_text(root, "Description"),
            targets=self.targets,
        )

    def _user(self, element: etree._Element) -> ParsedUser:
        guid = normalise_guid(element.get("guid")) or ""
        name = attr(element, "name") or attr(element, "id") or f"user {guid[:8]}"
        return ParsedUser(guid, name.strip())

    def _case(self, element: etree._Element, variables: dict[str | None, str]) -> ParsedCase:
        values = []
        for value in kids(element, "VariableValue"):
            ref = kid(value, "VariableRef")
            name = variables.get(normalise_guid(ref.get("targetGUID")) if ref is not None else None)
            typed = next((c for c in value if isinstance(c.tag, str) and local(c).endswith("Value")), None)
            if name and typed is not None and (typed.text or "").strip():
                values.append((name, typed.text.strip()))
        for ref in ("CodeRef", "SelectionRef"):
            self.report.skip(f"case links ({ref})", len(kids(element, ref)))
        guid = normalise_guid(element.get("guid")) or ""
        self.targets[guid] = "case"
        return ParsedCase(
            guid, attr(element, "name"), child_text(element, "Description"), tuple(values), element.sourceline,
            _refs(element, "SourceRef"),
        )

    def _source(self, element: etree._Element) -> list[ParsedText]:
        kind = local(element)
        guid = normalise_guid(element.get("guid")) or ""
        name = attr(element, "name")
        if kind == "TextSource":
            return [self._text(element, "TextSource", name)]
        self.targets[guid] = "skipped"
        self.report.skip(f"codings of whole {kind}s", len(kids(element, "Coding")))
        self.report.skip("variable values on sources", len(kids(element, "VariableValue")))
        if kind == "PDFSource":
            self._skip_selections(element, "PDFSelection", "PDF area selections")
            representation = kid(element, "Representation")
            if representation is not None:
                return [self._text(representation, "PDF representation", name, owner=guid)]
            self.report.skip("PDF sources without a text representation")
            return []
        self.report.skip(f"{MEDIA[kind]} files", 1)
        if kind == "PictureSource":
            self._skip_selections(element, "PictureSelection", "picture region selections")
            return []
        selection = "AudioSelection" if kind == "AudioSource" else "VideoSelection"
        self._skip_selections(element, selection, f"{MEDIA[kind]} time selections")
        return [self._transcript(t, name) for t in kids(element, "Transcript")]

    def _skip_selections(self, element: etree._Element, name: str, label: str) -> None:
        selections = kids(element, name)
        for selection in selections:
            self.targets[normalise_guid(selection.get("guid")) or ""] = "skipped"
        self.report.skip(label, len(selections))
        self.report.skip(f"codings on {label}", sum(len(kids(s, "Coding")) for s in selections))

    def _read_text(self, element: etree._Element) -> tuple[str, SourceText | None, str | None, str | None]:
        content = kid(element, "PlainTextContent")
        if content is not None:
            raw = without_leading_bom("".join(content.itertext()))  # as for a file: a leading BOM is not text
            return "PlainTextContent", SourceText(raw, normalise_newlines(raw), "xml"), None, None
        path = attr(element, "plainTextPath")
        if path is None:
            rich = attr(element, "richTextPath")
            problem = f"no plain text (only {rich})" if rich else "no plain text"
            return rich or "", None, problem, None
        resolved = self.container.resolve(path.strip(), self.base_path)
        if resolved.data is None:
            return path, None, resolved.problem, None
        decoded = decode_source(resolved.data)
        if decoded is None:
            return path, None, f"{resolved.where} is not UTF-8, UTF-16 or Windows-1252 text", None
        return path, decoded, None, resolved.where if resolved.external else None

    def _text(self, element: etree._Element, kind: str, name: str | None, owner: str | None = None) -> ParsedText:
        guid = normalise_guid(element.get("guid")) or owner or ""
        reference, text, problem, external = self._read_text(element)
        self.targets[guid] = "text"
        if owner:
            self.targets[owner] = "text"
        selections = tuple(self._selection(s) for s in kids(element, "PlainTextSelection"))
        self.report.skip("variable values on sources", len(kids(element, "VariableValue")))
        return ParsedText(
            guid=owner or guid,
            name=_display_name(name, reference, guid),
            element=kind,
            reference=reference,
            text=text,
            problem=problem,
            external=external,
            selections=selections,
            whole=tuple(self._coding(c) for c in kids(element, "Coding")),
            description=child_text(element, "Description"),
            notes=_refs(element, "NoteRef"),
            user=normalise_guid(element.get("creatingUser")),
            created=parse_datetime(element.get("creationDateTime")),
        )

    def _transcript(self, element: etree._Element, media_name: str | None) -> ParsedText:
        parsed = self._text(element, "Transcript", attr(element, "name") or media_name)
        points = {
            normalise_guid(p.get("guid")): int_attr(p, "position", self.where)
            for p in kids(element, "SyncPoint")
            if p.get("position") is not None
        }
        selections = []
        for item in kids(element, "TranscriptSelection"):
            start = points.get(normalise_guid(item.get("fromSyncPoint")))
            end = points.get(normalise_guid(item.get("toSyncPoint")))
            if start is None or end is None:
                self.report.skip("transcript selections without sync point positions")
                continue
            selections.append(self._selection(item, start, end))
        return replace(parsed, selections=tuple(selections))

    def _selection(self, element: etree._Element, start: int | None = None, end: int | None = None) -> ParsedSelection:
        guid = normalise_guid(element.get("guid")) or ""
        self.targets[guid] = "selection"
        return ParsedSelection(
            guid=guid,
            start=int_attr(element, "startPosition", self.where) if start is None else start,
            end=int_attr(element, "endPosition", self.where) if end is None else end,
            quote=element.get("name"),
            user=normalise_guid(element.get("creatingUser")),
            created=parse_datetime(element.get("creationDateTime")),
            description=child_text(element, "Description"),
            codings=tuple(self._coding(c) for c in kids(element, "Coding")),
            notes=_refs(element, "NoteRef"),
        )

    def _coding(self, element: etree._Element) -> ParsedCoding:
        guid = normalise_guid(element.get("guid")) or ""
        ref = kid(element, "CodeRef")
        code = normalise_guid(ref.get("targetGUID")) if ref is not None else None
        if code is None:
            raise InputError(self.where, "<Coding> has no <CodeRef targetGUID=…>; re-export the file", element.sourceline)
        self.targets[guid] = "coding"
        return ParsedCoding(
            guid=guid,
            code=code,
            user=normalise_guid(element.get("creatingUser")),
            created=parse_datetime(element.get("creationDateTime")),
            notes=_refs(element, "NoteRef"),
        )

    def _note(self, element: etree._Element) -> ParsedNote:
        guid = normalise_guid(element.get("guid")) or ""
        self.targets[guid] = "note"
        reference, text, problem, _ = self._read_text(element)
        body = text.text.strip() if text is not None else ""
        description = child_text(element, "Description")
        if problem and not description:
            self.report.warnings.append(f"note {element.get('name')!r}: {problem}; kept its title only")
        self.report.skip("selections inside notes", len(kids(element, "PlainTextSelection")))
        self.report.skip("codings inside notes", len(kids(element, "Coding")))
        parts = [p.strip() for p in (description, body) if p and p.strip()]
        return ParsedNote(
            guid=guid,
            name=attr(element, "name"),
            text="\n\n".join(parts),
            user=normalise_guid(element.get("creatingUser")),
            created=parse_datetime(element.get("creationDateTime")),
        )


def _display_name(name: str | None, reference: str, guid: str) -> str:
    if name and name.strip():
        cleaned = name.strip()
    else:
        tail = PurePosixPath(reference.replace("\\", "/").split("://")[-1]).name
        cleaned = tail or f"source {guid[:8]}"
    for extension in TEXT_EXTENSIONS:
        if cleaned.lower().endswith(extension) and len(cleaned) > len(extension):
            return cleaned[: -len(extension)]
    return cleaned
