"""The project's language (``workbench init --language da``) and each source's.

The project's language is the default for every import; a source keeps the
language it was imported in (``import --language sv``), so a study that mixes
languages segments, searches and suggests each transcript in its own. A
source's language can be put right later (``workbench language CODE --source
NAME``): it is segmented and its speakers read again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from workbench.domain.languages import DEFAULT_LANGUAGE, LANGUAGE_SETTING, check_language, language
from workbench.errors import ConflictError
from workbench.store.engine import Project
from workbench.store.models import Setting, Source


def project_language(session: Session) -> str:
    setting = session.get(Setting, LANGUAGE_SETTING)
    return language(setting.value).code if setting is not None else DEFAULT_LANGUAGE


def set_project_language(session: Session, code: str) -> str:
    """Set the project's language (checked); returns it."""
    code = check_language(code, "--language")
    setting = session.get(Setting, LANGUAGE_SETTING)
    if setting is None:
        session.add(Setting(key=LANGUAGE_SETTING, value=code))
    else:
        setting.value = code
    return code


def import_language(project: Project, requested: str | None) -> str:
    """The language an import runs in: the one asked for (checked), else the project's."""
    if requested is not None:
        return check_language(requested, "--language")
    with project.session() as session:
        return project_language(session)


def source_languages(session: Session, source_ids: list[int] | None = None) -> dict[int, str]:
    query = select(Source.id, Source.language)
    if source_ids is not None:
        query = query.where(Source.id.in_(source_ids))
    return {source_id: language(code).code for source_id, code in session.execute(query)}


@dataclass(frozen=True)
class LanguageChange:
    """What setting a source's language changed: its segments, and speakers read again."""

    source: str
    before: str
    after: str
    segments_before: int
    segments_after: int
    speakers: list[tuple[str, str, str]]  # (label, who it was, who it is now): a participant id or "interviewer"

    def summary(self) -> str:
        if self.before == self.after:
            return f"{self.source}: already {self.after}"
        who = "; ".join(f"{label}: {was} → {now}" for label, was, now in self.speakers)
        return (f"{self.source}: {self.before} → {self.after}; {self.segments_after} segments (were "
                f"{self.segments_before})" + (f"; speakers read again: {who}" if who else ""))


def set_source_language(project: Project, name: str, code: str) -> LanguageChange:
    """Set a source's language: segment it again and read its speaker labels again, in one transaction.

    Codings are offsets into the text and stay as they are. A speaker that
    the old language's rules resolved is resolved by the new one's
    (``Deltager 3`` becomes P03 in Danish); one mapped otherwise at import
    (``--speaker``) keeps its mapping. A participant left with no turns and
    no attributes by this goes.
    """
    from workbench.domain.spans import Span
    from workbench.services.importing.texts import SEGMENT_COLUMNS, segment_bodies
    from workbench.services.project import participants as people
    from workbench.services.project.sources import require_source
    from workbench.store.bulk import insert_rows
    from workbench.store.models import Participant, Segment, Turn

    code = check_language(code, "--language")
    with project.session() as session:
        source = require_source(session, name)
        source_id, before, text, kind = source.id, language(source.language).code, source.text, source.kind
        turns = session.execute(
            select(Turn.id, Turn.speaker_label, Turn.speaker_role, Participant.pid, Turn.start, Turn.end)
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .where(Turn.source_id == source_id).order_by(Turn.ordinal)
        ).all()
        segments_before = session.scalar(select(func.count()).select_from(Segment).where(Segment.source_id == source_id)) or 0
    if code == before:
        return LanguageChange(name, before, code, segments_before, segments_before, [])
    spans = segment_bodies(text, [Span(t.start, t.end) for t in turns], None, code)  # spaCy, outside the transaction
    changed: list[tuple[str, str, str]] = []
    with project.session() as session:
        changing = session.get(Source, source_id)
        if changing is None:  # deleted by someone else while spaCy split the text
            raise ConflictError(f"source {name!r} was deleted meanwhile; its language was not changed")
        changing.language = code
        session.execute(delete(Segment).where(Segment.source_id == source_id))
        rows, ordinal = [], 0
        for turn, sentences in zip(turns, spans):
            for start, end in sentences:
                rows.append((source_id, turn.id, ordinal, start, end))
                ordinal += 1
        insert_rows(session.connection(), Segment.__table__, SEGMENT_COLUMNS, rows)
        old_interviewers = people.interviewer_labels(session, before)
        new_interviewers = people.interviewer_labels(session, code)
        left: set[str] = set()
        for label in dict.fromkeys(t.speaker_label for t in turns if t.speaker_label):
            current = next((t.speaker_role, t.pid) for t in turns if t.speaker_label == label)
            old = people.resolve_speaker(label, source_name=name, kind=kind, interviewers=old_interviewers,
                                         speaker_map={}, language=before)
            new = people.resolve_speaker(label, source_name=name, kind=kind, interviewers=new_interviewers,
                                         speaker_map={}, language=code)
            if current != old or new == old:
                continue  # mapped by hand at import, or the same in both languages
            participant_id = people.get_or_create(session, new[1]).id if new[1] is not None else None
            session.execute(
                update(Turn).where(Turn.source_id == source_id, Turn.speaker_label == label)
                .values(speaker_role=new[0], participant_id=participant_id)
            )
            changed.append((label, old[1] or "interviewer", new[1] or "interviewer"))
            if old[1] is not None:
                left.add(old[1])
        session.flush()
        for pid in left:
            participant = session.scalar(select(Participant).where(Participant.pid == pid))
            in_use = session.scalar(select(Turn.id).where(Turn.participant_id == participant.id).limit(1)) if participant else 1
            if participant is not None and in_use is None and not participant.attributes:
                session.delete(participant)
    return LanguageChange(name, before, code, segments_before, len(rows), changed)
