"""Importing a REFI-QDA project (``.qdpx`` package or bare ``.qde``) in one transaction.

Order of work: open the container safely, parse the XML safely, refuse
dangling GUIDs, read every source's text and place its selections (units
detected per source), split and segment the texts (spaCy) — all before the
database is touched. Then one transaction writes coders, codes, sources,
codings, memos, participants and themes; any failure rolls all of it back.

What lands where:

* Users → coders (by name). Codings without a creating user go to the
  project's creating user, else the file's only user, else ``unattributed``.
* Text sources, PDF text representations and audio/video transcripts →
  sources (text already in the project is reused, not duplicated).
* Selections with codings → codings (one per code); the selection's
  Description and its notes (``NoteRef`` or a ``Link`` from a note) become
  the coding's memo (a text found in both places counts once: our exports
  write a coding's memo as Description and Note). A selection with a memo
  but no code → a source memo naming the span. Selections that mix coders
  are read coding by coding (each Coding's own creatingUser).
* Notes on the project, a code or a source → memos there; notes on things
  the workbench cannot hold, or on nothing → project memos (never lost).
  The Description of the project or a source, and "Memo:" lines in the
  Description of a code we exported, become memos too unless the notes
  attached there already say the same.
* The file's creating user becomes the project's creating coder when the
  project had no coders before (see ``project_owner``).
* Cases → participants (``Participant 3`` → ``P03``), their variable
  values → attributes, their Description → a participant memo.
* Sets of codes → themes (see :mod:`workbench.interop.merge`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.transcript import normalise_participant_id
from workbench.errors import InputError
from workbench.interop.container import Limits, ZipContainer, open_container
from workbench.interop.guids import GuidMap
from workbench.interop.merge import merge_codes, merge_sets
from workbench.interop.model import ParsedNote, ParsedProject, ParsedSelection, ParsedText
from workbench.interop.positions import Placed, place
from workbench.interop.qdc_import import check_set_members, note_namespace
from workbench.interop.qdpx_parse import ProjectReader, check_references
from workbench.interop.report import RefiImportReport, ReportBuilder
from workbench.interop.xml import local, parse_xml
from workbench.services.importing.texts import ImportOptions, PreparedText, add_text_source, prepare_text
from workbench.services.project.coders import get_or_create_coder, remember_owner
from workbench.services.project.participants import get_or_create
from workbench.store.engine import Project
from workbench.store.models import Coder, Coding, Memo, Participant, ParticipantAttribute, Source, Turn

UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class _Plan:
    text: ParsedText
    placed: Placed
    prepared: PreparedText


def import_project(
    project: Project, path: Path, options: ImportOptions | None = None, *, limits: Limits | None = None
) -> RefiImportReport:
    from dataclasses import replace

    from workbench.services.project.language import import_language

    options = options or ImportOptions()
    options = replace(options, language=import_language(project, options.language))
    with open_container(path, limits) as container:
        where = f"{path}[{container.qde_name}]" if isinstance(container, ZipContainer) else str(path)
        root = parse_xml(container.read_qde(), where)
        if local(root) != "Project":
            raise InputError(where, f"is not a REFI-QDA project: the root element is <{local(root)}>, not <Project>", root.sourceline)
        report = ReportBuilder(str(path), "project", root.get("origin"))
        note_namespace(root, where, report)
        check_references(root, where)
        parsed = ProjectReader(container, where, report).read(root)
    check_set_members(list(parsed.sets), list(parsed.codes), where)
    plans = _prepare(parsed, options, report, where)
    with project.session(note=f"REFI-QDA import of {path.name}") as session:
        _Writer(session, parsed, report, options, path).write(plans)
    return report.freeze()


def _prepare(parsed: ParsedProject, options: ImportOptions, report: ReportBuilder, where: str) -> list[_Plan]:
    plans = []
    prepared_texts: dict[str, PreparedText] = {}  # a transcript may repeat a text source's text
    for text in parsed.texts:
        codings = sum(len(s.codings) for s in text.selections) + len(text.whole)
        if text.text is None or not text.text.text.strip():
            problem = text.problem or "the text is empty"
            report.skip("texts (sources, PDF texts, transcripts) without their plain text" if text.text is None else "empty texts")
            report.skip("selections on those sources", len(text.selections))
            report.skip("codings on those sources", codings)
            warning = f"source {text.name!r} not imported: {problem}"
            if warning not in report.warnings:
                report.warnings.append(warning)
            continue
        if text.external:
            report.warnings.append(f"source {text.name!r} was read from outside the package: {text.external}")
        placed = place(text.text, [(s.start, s.end) for s in text.selections], [s.quote for s in text.selections], parsed.origin)
        prepared = prepared_texts.get(text.text.text) or prepare_text(
            f"{where}: source {text.name!r}", text.text.text, None, options.spacy_model, options.language
        )
        prepared_texts[text.text.text] = prepared
        line = f"{text.name}: {len(text.selections)} selections"
        if text.selections:
            line += f", positions read as {placed.description}"
            if placed.quotes_matched:
                line += f"; {placed.quotes_matched} of {placed.quotes} selection names match the selected text"
            if 0 < placed.quotes_matched < placed.quotes:
                report.warnings.append(
                    f"source {text.name!r}: {placed.quotes - placed.quotes_matched} selection names differ from the text "
                    "they select; check those codings"
                )
            if placed.clamped:
                line += f"; {placed.clamped} clamped to the text"
            if placed.split_pairs:
                line += f"; {placed.split_pairs} fell inside a surrogate pair"
        report.positions.append(line)
        plans.append(_Plan(text, placed, prepared))
    return plans


class _Writer:
    def __init__(self, session: Session, parsed: ParsedProject, report: ReportBuilder, options: ImportOptions, path: Path):
        self.session = session
        self.parsed = parsed
        self.report = report
        self.options = options
        self.path = path
        self.guids = GuidMap(session)
        self.coders: dict[str | None, int] = {}
        self.sources: dict[str, int] = {}
        self.notes = {n.guid: n for n in parsed.notes}
        self.used_notes: set[str] = set()
        self.folder_codings = 0
        self.links: dict[str, list[str]] = defaultdict(list)  # target GUID → note GUIDs linked to it
        for link in parsed.links:
            if link.origin in self.notes and link.target:
                self.links[link.target].append(link.origin)
            elif link.target in self.notes and link.origin:
                self.links[link.origin].append(link.target)
            else:
                report.skip("links between codes, sources or selections")
            report.skip("notes on links", len(link.notes))

    def write(self, plans: list[_Plan]) -> None:
        self._coders()
        code_ids = merge_codes(
            self.session, list(self.parsed.codes), self.guids, self.report,
            codebook=f"REFI-QDA: {self.path.name}", loaded_from=str(self.path),
        )
        folders = {c.guid for c in self.parsed.codes if not c.codable}
        for plan in plans:
            self._codings(plan, self._source(plan), code_ids, folders)
        participants = self._cases()
        self._memos(code_ids, participants)
        merge_sets(self.session, list(self.parsed.sets), code_ids, self.guids, self.report)
        self.guids.save()
        if self.folder_codings:
            self.report.warnings.append(
                f"{self.folder_codings} codings apply non-codable folders; they are kept (new codings cannot use the folders)"
            )

    # --- coders --------------------------------------------------------------------------------

    def _coders(self) -> None:
        known = set(self.session.scalars(select(Coder.name)))
        empty = not known
        names: dict[str, str] = {}
        for user in self.parsed.users:
            name = " ".join(user.name.replace(",", " ").split())[:100] or f"user {user.guid[:8]}"
            names[user.guid] = name
            coder = get_or_create_coder(self.session, name)
            (self.report.coders_matched if name in known else self.report.coders_added).append(name)
            known.add(name)
            self.coders[user.guid] = coder.id
            self.guids.remember("coder", user.guid, name)
        users = [u.guid for u in self.parsed.users]
        fallback = self.parsed.creating_user if self.parsed.creating_user in self.coders else None
        fallback = fallback or (users[0] if len(users) == 1 else None)
        if fallback:
            self.coders[None] = self.coders[fallback]
        owner = next((n for u, n in names.items() if u == self.parsed.creating_user), None)
        if empty and owner is not None:
            remember_owner(self.session, owner)

    def _coder(self, *guids: str | None) -> int:
        """The coder of the first GUID that names a user, else the fallback (created on first need)."""
        for guid in guids:
            if guid is not None and guid in self.coders:
                return self.coders[guid]
        if None not in self.coders:
            known = self.session.scalar(select(Coder.id).where(Coder.name == UNATTRIBUTED))
            self.coders[None] = get_or_create_coder(self.session, UNATTRIBUTED).id
            (self.report.coders_matched if known else self.report.coders_added).append(UNATTRIBUTED)
        return self.coders[None]

    # --- sources and codings -------------------------------------------------------------------

    def _source(self, plan: _Plan) -> int:
        prepared, text = plan.prepared, plan.text
        found = self.session.scalar(select(Source).where(Source.content_hash == prepared.content_hash))
        if found is None:
            found = add_text_source(
                self.session, prepared, name=text.name[:255], kind=self.options.kind,
                original_filename=f"{self.path}:{text.reference}"[:1024], original_format=self.path.suffix.lstrip(".").lower(),
                encoding=text.text.encoding if text.text else None, options=self.options,
            )
            self.report.sources_added.append(found.name)
        else:
            self.report.sources_matched.append(f"{text.name} (as {found.name!r})")
        self.sources[text.guid] = found.id
        self.guids.remember("source", text.guid, found.content_hash)
        return found.id

    def _note_texts(self, guids: tuple[str, ...] | list[str]) -> list[str]:
        texts = []
        for guid in guids:
            note = self.notes.get(guid)
            if note is not None:
                self.used_notes.add(guid)
                if _note_text(note):
                    texts.append(_note_text(note))
        return texts

    def _codings(self, plan: _Plan, source_id: int, code_ids: dict[str, int], folders: set[str]) -> None:
        rows = self.session.execute(
            select(Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(Coding.source_id == source_id)
        )
        existing = {tuple(row) for row in rows}
        text = plan.text
        length = len(plan.prepared.text)
        whole = ParsedSelection("", 0, length, None, text.user, text.created, None, text.whole)
        items = list(zip(text.selections, plan.placed.spans)) + ([(whole, (0, length))] if text.whole else [])
        for selection, span in items:
            if span is None:
                self.report.skip("selections that are empty once placed")
                self.report.skip("codings on those selections", len(selection.codings))
                continue
            memo = [selection.description.strip()] if selection.description else []
            memo += self._note_texts(list(selection.notes) + self.links.get(selection.guid, []))
            if not selection.codings:
                if memo:
                    self._memo("source", source_id, self._coder(selection.user), _span_memo(plan.prepared.text, span, memo))
                else:
                    self.report.skip("selections without codes or memos")
                continue
            for coding in selection.codings:
                coder_id = self._coder(coding.user, selection.user)
                key = (code_ids[coding.code], coder_id, span[0], span[1])
                if key in existing:
                    self.report.codings_present += 1
                    continue
                existing.add(key)
                notes = list(dict.fromkeys(memo + self._note_texts(list(coding.notes) + self.links.get(coding.guid, []))))
                self.folder_codings += coding.code in folders
                values = {"created_at": coding.created or selection.created} if coding.created or selection.created else {}
                self.session.add(
                    Coding(code_id=key[0], source_id=source_id, coder_id=coder_id, start=span[0], end=span[1],
                           memo="\n\n".join(notes) or None, **values)
                )
                self.report.codings_added += 1
        self.session.flush()

    # --- participants and memos ----------------------------------------------------------------

    def _cases(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for case in self.parsed.cases:
            if not case.name or not case.name.strip():
                self.report.skip("cases without a name (document variables)")
                continue
            pid = (normalise_participant_id(case.name, self.options.language) or case.name.strip())[:100]
            known = self.session.scalar(select(Participant.id).where(Participant.pid == pid))
            participant = get_or_create(self.session, pid)
            (self.report.participants_matched if known else self.report.participants_added).append(pid)
            existing = {a.key: a for a in participant.attributes}
            for key, value in case.values:
                key = key[:100]
                if key in existing:
                    existing[key].value = value
                else:
                    existing[key] = ParticipantAttribute(key=key, value=value)
                    participant.attributes.append(existing[key])
                self.report.attributes_set += 1
            if case.description:
                self._memo("participant", participant.id, self._coder(), case.description)
            spoken = set(self.session.scalars(select(Turn.source_id).where(Turn.participant_id == participant.id)))
            self.report.skip(
                "case links to sources the participant does not speak in (SourceRef)",
                sum(1 for g in case.sources if self.sources.get(g) not in spoken),
            )
            result[case.guid] = participant.id
            self.guids.remember("participant", case.guid, pid)
        return result

    def _memos(self, code_ids: dict[str, int], participants: dict[str, int]) -> None:
        attached: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
        for guid in self.parsed.project_notes:
            attached[guid].append(("project", None))
        for code in self.parsed.codes:
            for guid in code.notes:
                attached[guid].append(("code", code_ids[code.guid]))
        for text in self.parsed.texts:
            for guid in text.notes:
                if text.guid in self.sources:
                    attached[guid].append(("source", self.sources[text.guid]))
        for target, notes in self.links.items():
            kind = self.parsed.targets.get(target)
            for guid in notes:
                if kind == "code" and target in code_ids:
                    attached[guid].append(("code", code_ids[target]))
                elif kind == "text" and target in self.sources:
                    attached[guid].append(("source", self.sources[target]))
                elif kind == "case" and target in participants:
                    attached[guid].append(("participant", participants[target]))
        said: dict[tuple[str, int | None], list[str]] = defaultdict(list)  # what the notes already say, per target
        for guid, places in attached.items():
            if guid in self.notes and _note_text(self.notes[guid]):
                for place in places:
                    said[place].append(_note_text(self.notes[guid]))
        if self.parsed.description and not _covered(self.parsed.description, said[("project", None)]):
            self._memo("project", None, self._coder(), f"Project description\n\n{self.parsed.description}")
        for text in self.parsed.texts:
            source_id = self.sources.get(text.guid)
            if text.description and source_id is not None and not _covered(text.description, said[("source", source_id)]):
                self._memo("source", source_id, self._coder(text.user), text.description.strip(), text.created)
        for code in self.parsed.codes:
            code_id = code_ids[code.guid]
            for memo in code.text.memos:
                if not _covered(memo, said[("code", code_id)]):
                    self._memo("code", code_id, self._coder(), memo)
        for note in self.parsed.notes:
            note_text = _note_text(note)
            if not note_text:
                continue
            places = attached.get(note.guid) or ([] if note.guid in self.used_notes else [("project", None)])
            for kind, target_id in dict.fromkeys(places):
                self._memo(kind, target_id, self._coder(note.user), note_text, note.created)

    def _memo(self, kind: str, target: int | None, coder_id: int, text: str, created: datetime | None = None) -> None:
        values = {"created_at": created, "updated_at": created} if created else {}
        self.session.add(Memo(target_kind=kind, target_id=target, coder_id=coder_id, text=text, **values))
        self.report.memos_added += 1


def _note_text(note: ParsedNote) -> str:
    parts = [p for p in (note.name, note.text) if p and p.strip()]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    return "\n\n".join(p.strip() for p in parts)


def _covered(description: str, said: list[str]) -> bool:
    """Whether a Description repeats what attached notes say (one of them, or the first few joined as we export them)."""
    text = description.strip()
    return not text or any(text == "\n\n".join(t.strip() for t in said[:k]) or text == said[k - 1].strip()
                           for k in range(1, len(said) + 1))


def _span_memo(text: str, span: tuple[int, int], memo: list[str]) -> str:
    quote = " ".join(text[span[0] : span[1]].split())
    quote = quote if len(quote) <= 80 else quote[:79] + "…"
    return f"On characters {span[0]}–{span[1]} («{quote}»):\n\n" + "\n\n".join(memo)
