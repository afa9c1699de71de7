"""Exporting the whole project as a REFI-QDA ``.qdpx`` (strict: what every tool should read).

The package holds exactly ``project.qde`` and ``sources/<guid>.txt`` (the
stored text: UTF-8 without BOM, ``\\n`` line ends), referenced as
``internal://<guid>.txt``. Positions are 0-based, end-exclusive code points.
GUIDs are stable (see :mod:`workbench.interop.guids`), and the zip entries
carry a fixed date, so exporting an unchanged project twice gives the same
bytes.

"Be conservative in what you send": readers take the selection's creator as
the coder of every coding in it and its Description as every coding's memo
(QualCoder does both), so

* coders → Users (every coder); the project's creating coder
  (:func:`workbench.services.project.coders.project_owner`) is the Project's
  ``creatingUserGUID`` and the ``creatingUser`` of every source;
* codes → CodeBook (see :mod:`workbench.interop.qdc_export`); a code's memos
  are Notes + NoteRefs and "Memo:" lines in its Description;
* participants → Cases with a Text Variable per attribute, a SourceRef for
  each source they speak in, and their memos as the Case Description;
* sources → TextSources, their memos as Notes + NoteRefs and as the
  Description; codings → one PlainTextSelection per span, coder and memo
  (never two coders, never two memos in one selection; named with the quote,
  as ATLAS.ti does), creatingUser = that coder, Description = that memo, one
  Coding per code with the coder and time, and the memo also as a Note +
  NoteRef on each Coding;
* memos on the project → Notes + NoteRefs and the project's Description;
  every Note carries its author as ``creatingUser``;
* themes → Sets of codes.

Code, Case and Set have no ``creatingUser`` in the schema; the Project's
``creatingUserGUID`` stands for their creator.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.atomic import replacing
from workbench.errors import WorkbenchError
from workbench.interop.guids import GuidMap
from workbench.interop.qdc_export import add_codes, add_sets, theme_sets
from workbench.interop.report import RefiExportReport
from workbench.interop.xml import PROJECT_NS, PROJECT_SCHEMA, new_root, serialise, sub
from workbench.services.codebook.codes import list_codes
from workbench.services.project.coders import project_owner
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Coder, Coding, Memo, Participant, Source, Turn

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
QUOTE_LENGTH = 100


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _quote(text: str) -> str:
    quote = " ".join(text.split())
    return quote if len(quote) <= QUOTE_LENGTH else quote[:QUOTE_LENGTH] + "…"


def _title(text: str, fallback: str) -> str:
    """A Note's name: the memo's first line (cut at a word), which a re-import recognises and drops."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) > 60:
        cut = first[:60].rsplit(" ", 1)[0]
        first = cut if len(cut) >= 20 else first[:60]
    return first or fallback


def _joined(memos: list[Memo]) -> str | None:
    """Memo texts as one Description (blank line between), for readers that read only Descriptions."""
    return "\n\n".join(m.text.strip() for m in memos if m.text.strip()) or None


def export_project(project: Project, out: Path, name: str | None = None) -> RefiExportReport:
    if out.suffix.lower() != ".qdpx":
        raise WorkbenchError(f"{out}: a REFI-QDA project file must end in .qdpx")
    with project.session() as session:
        builder = _Builder(session, name or out.stem)
        root, files = builder.build()
    data = serialise(root)

    with replacing(out) as temporary, zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for entry, payload in [("project.qde", data), *files]:
            info = zipfile.ZipInfo(entry, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, payload)
    return builder.report(str(out))


class _Builder:
    def __init__(self, session: Session, name: str) -> None:
        self.session = session
        self.name = name
        self.guids = GuidMap(session)
        self.notes: list[tuple[str, str, int, datetime | None, str]] = []  # guid, name, coder id, created, text
        self.counts: dict[str, int] = defaultdict(int)
        self.warnings: list[str] = []
        self.used: set[int] = set()  # memo ids written

    def build(self) -> tuple[etree._Element, list[tuple[str, bytes]]]:
        from workbench import __version__

        session, guids = self.session, self.guids
        require_intact_codings(session)
        root = new_root("Project", PROJECT_NS, PROJECT_SCHEMA, name=self.name, origin=f"Thematic Workbench {__version__}")
        coders = list(session.scalars(select(Coder).order_by(Coder.name)))
        self.users = {c.id: guids.guid_for("coder", c.name) for c in coders}
        self.coder_names = {c.id: c.name for c in coders}
        owner = project_owner(session)
        self.owner = self.users[owner.id] if owner is not None else None
        if self.owner is not None:  # who authorless things (sources, codes, cases, sets) belong to
            root.set("creatingUserGUID", self.owner)
        if coders:
            users = sub(root, "Users")
            for coder in coders:
                sub(users, "User", guid=self.users[coder.id], name=coder.name)
        memos = self._memos()
        codes = list_codes(session)
        code_guids: dict[str, str] = {}
        if codes:
            code_ids = {c.key: c.id for c in codes}
            code_guids = add_codes(
                sub(root, "CodeBook"), codes, guids,
                lambda code: [self._note(m, f"Memo on code {code.name}") for m in memos[("code", code_ids[code.key])]],
                lambda code: [m.text for m in memos[("code", code_ids[code.key])]],
            )
        self.code_guids = {c.id: code_guids[c.key] for c in codes}
        sources = list(session.scalars(select(Source).order_by(Source.name)))
        self.source_guids = {s.id: guids.guid_for("source", s.content_hash) for s in sources}
        self._cases(root, memos)
        files = self._sources(root, sources, memos) if sources else []
        project_notes = [self._note(m, "Project memo") for m in memos[("project", None)]]
        for memo in sorted((m for group in memos.values() for m in group if m.id not in self.used), key=lambda m: m.id):
            project_notes.append(self._note(memo, f"Memo on a {memo.target_kind} that is no longer in the project"))
        if self.notes:
            notes = sub(root, "Notes")
            for guid, title, coder_id, created, text in self.notes:
                note = sub(notes, "Note", guid=guid, name=title, creatingUser=self.users.get(coder_id),
                           creationDateTime=_time(created))
                sub(note, "PlainTextContent", text)
        themes = theme_sets(session)
        add_sets(root, themes, guids, code_guids, "targetGUID")
        description = _joined(memos[("project", None)])
        if description:
            sub(root, "Description", description)
        for guid in project_notes:
            sub(root, "NoteRef", targetGUID=guid)
        self.counts.update(codes=len(codes), coders=len(coders), sources=len(sources), themes=len(themes))
        return root, files

    def _memos(self) -> dict[tuple[str, int | None], list[Memo]]:
        result: dict[tuple[str, int | None], list[Memo]] = defaultdict(list)
        for memo in self.session.scalars(select(Memo).order_by(Memo.id)):
            result[(memo.target_kind, memo.target_id)].append(memo)
        return result

    def _note(self, memo: Memo, about: str) -> str:
        guid = self.guids.guid_for("memo", memo.id)
        self.used.add(memo.id)
        self.notes.append((guid, _title(memo.text, about), memo.coder_id, memo.created_at, memo.text))
        self.counts["memos"] += 1
        return guid

    def _cases(self, root: etree._Element, memos: dict[tuple[str, int | None], list[Memo]]) -> None:
        participants = list(self.session.scalars(select(Participant).order_by(Participant.pid)))
        if not participants:
            return
        spoken: dict[int, list[int]] = defaultdict(list)
        for participant_id, source_id in self.session.execute(
            select(Turn.participant_id, Turn.source_id).where(Turn.participant_id.is_not(None)).distinct()
        ):
            assert participant_id is not None  # the query keeps only turns with a participant
            spoken[participant_id].append(source_id)
        keys = sorted({a.key for p in participants for a in p.attributes})
        variables = {key: self.guids.guid_for("variable", key) for key in keys}
        if keys:
            container = sub(root, "Variables")
            for key in keys:
                sub(container, "Variable", guid=variables[key], name=key, typeOfVariable="Text")
        cases = sub(root, "Cases")
        for participant in participants:
            case = sub(cases, "Case", guid=self.guids.guid_for("participant", participant.pid), name=participant.pid)
            texts = [m.text for m in memos[("participant", participant.id)] if m.text.strip()]
            self.used.update(m.id for m in memos[("participant", participant.id)])
            if texts:
                sub(case, "Description", "\n\n".join(texts))
            for attribute in participant.attributes:
                value = sub(case, "VariableValue")
                sub(value, "VariableRef", targetGUID=variables[attribute.key])
                sub(value, "TextValue", attribute.value)
            for source_id in sorted(set(spoken.get(participant.id, []))):
                sub(case, "SourceRef", targetGUID=self.source_guids[source_id])
        self.counts["participants"] = len(participants)

    def _sources(
        self, root: etree._Element, sources: list[Source], memos: dict[tuple[str, int | None], list[Memo]]
    ) -> list[tuple[str, bytes]]:
        container = sub(root, "Sources")
        codings: dict[int, list[Coding]] = defaultdict(list)
        for coding in self.session.scalars(select(Coding).order_by(Coding.source_id, Coding.start, Coding.end, Coding.id)):
            codings[coding.source_id].append(coding)
        files = []
        for source in sources:
            guid = self.source_guids[source.id]
            text = source.text.replace("\r\n", "\n").replace("\r", "\n")
            files.append((f"sources/{guid}.txt", text.encode("utf-8")))
            element = sub(
                container, "TextSource", guid=guid, name=source.name, plainTextPath=f"internal://{guid}.txt",
                creatingUser=self.owner, creationDateTime=_time(source.imported_at),
            )
            description = _joined(memos[("source", source.id)])
            if description:
                sub(element, "Description", description)
            astral = sum(1 for ch in text if ord(ch) > 0xFFFF)
            if astral:
                self.warnings.append(
                    f"source {source.name!r} has {astral} characters outside the BMP (emoji); tools that count "
                    "UTF-16 units (NVivo for Windows) will shift selections after them"
                )
            self._selections(element, source, text, codings[source.id])
            for memo in memos[("source", source.id)]:
                sub(element, "NoteRef", targetGUID=self._note(memo, f"Memo on source {source.name}"))
        return files

    def _selections(self, parent: etree._Element, source: Source, text: str, codings: list[Coding]) -> None:
        """One selection per span, coder and memo: each reader's rule (the selection's creator and Description
        apply to every coding in it) then gives every coding its own coder and memo."""
        groups: dict[tuple[int, int, str, str], list[Coding]] = defaultdict(list)
        for coding in codings:
            memo = coding.memo if coding.memo and coding.memo.strip() else ""
            groups[(coding.start, coding.end, self.coder_names[coding.coder_id], memo)].append(coding)
        seen: dict[tuple[int, int, str], int] = defaultdict(int)
        for (start, end, coder, memo), group in sorted(groups.items(), key=lambda item: item[0]):
            first = min(group, key=lambda c: (c.created_at or datetime.min.replace(tzinfo=timezone.utc), c.id))
            number = seen[(start, end, coder)]
            seen[(start, end, coder)] += 1
            key = f"{source.content_hash}:{start}:{end}:{coder}" + (f":{number}" if number else "")
            selection = sub(
                parent, "PlainTextSelection", guid=self.guids.guid_for("selection", key),
                name=_quote(text[start:end]), startPosition=str(start), endPosition=str(end),
                creatingUser=self.users[first.coder_id], creationDateTime=_time(first.created_at),
            )
            if memo:
                sub(selection, "Description", memo)
            for coding in group:
                element = sub(
                    selection, "Coding", guid=self.guids.guid_for("coding", coding.id),
                    creatingUser=self.users[coding.coder_id], creationDateTime=_time(coding.created_at),
                )
                sub(element, "CodeRef", targetGUID=self.code_guids[coding.code_id])
                if memo:
                    guid = self.guids.guid_for("coding-memo", coding.id)
                    self.notes.append((guid, _title(memo, "Coding memo"), coding.coder_id, coding.updated_at, memo))
                    self.counts["memos"] += 1
                    sub(element, "NoteRef", targetGUID=guid)
                self.counts["codings"] += 1
            self.counts["selections"] += 1

    def report(self, path: str) -> RefiExportReport:
        c = self.counts
        return RefiExportReport(
            path, "project", codes=c["codes"], sources=c["sources"], codings=c["codings"], coders=c["coders"],
            memos=c["memos"], participants=c["participants"], themes=c["themes"], warnings=tuple(self.warnings),
            selections=c["selections"],
        )
