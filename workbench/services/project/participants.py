"""Participants: who speaks where, and their attributes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.transcript import normalise_participant_id, speaker_words
from workbench.errors import InputError
from workbench.store.models import Participant, ParticipantAttribute, Setting, Source, Turn

INTERVIEWER_SETTING = "interviewer_labels"
TYPES_SETTING = "attribute_types"  # JSON: attribute → numeric | categorical, declared as ``key:numeric`` in a CSV header
ATTRIBUTE_TYPES = ("numeric", "categorical")
PARTICIPANT_COLUMNS = ("participant", "participant_id", "pid", "id", "case")


@dataclass(frozen=True)
class ParticipantInfo:
    id: str
    attributes: dict[str, str]
    sources: list[str]


def interviewer_labels(session: Session, language: str | None = None) -> frozenset[str]:
    """Labels marked as interviewers: the defaults (English and ``language``'s) plus the project's own."""
    setting = session.get(Setting, INTERVIEWER_SETTING)
    extra = {label.strip().lower() for label in setting.value.split(",")} if setting else set()
    return speaker_words(language).interviewers | {e for e in extra if e}


def add_interviewer_labels(session: Session, labels: list[str]) -> None:
    setting = session.get(Setting, INTERVIEWER_SETTING)
    current = [v for v in (setting.value.split(",") if setting else []) if v]
    merged = sorted(set(current) | {label.strip().lower() for label in labels if label.strip()})
    if setting is None:
        session.add(Setting(key=INTERVIEWER_SETTING, value=",".join(merged)))
    else:
        setting.value = ",".join(merged)


def resolve_speaker(
    label: str,
    *,
    source_name: str,
    kind: str,
    interviewers: frozenset[str],
    speaker_map: dict[str, str],
    language: str | None = None,
) -> tuple[str, str | None]:
    """A speaker label → (role, participant id or None for interviewers).

    Identity rules (documented in the README): an explicit ``--speaker``
    mapping wins; interviewer labels are interviewers; ``P3``/``P03``/
    ``Participant 3`` are participant ``P03`` in every source; a generic
    respondent label (``R``, ``Respondent``) in an interview whose file name
    holds exactly one participant id is that participant; other generic labels
    (``Speaker 1``) are scoped to their source; any other name is the same
    person wherever it appears. The participant and respondent words are
    English plus those of the source's ``language`` (``Deltager 3`` is ``P03``).
    """
    key = label.strip()
    respondents = speaker_words(language).respondents
    lowered = key.lower()
    if key in speaker_map or lowered in speaker_map:
        return "participant", speaker_map.get(key) or speaker_map[lowered]
    if lowered in interviewers:
        return "interviewer", None
    pid = normalise_participant_id(key, language)
    if pid:
        return "participant", pid
    if lowered in respondents and kind == "interview":
        ids = {p for p in map(normalise_participant_id, _id_like_tokens(source_name)) if p is not None}
        if len(ids) == 1:
            return "participant", ids.pop()
    if lowered in respondents or lowered.startswith("speaker"):
        return "participant", f"{key} ({source_name})"
    return "participant", key


def _id_like_tokens(name: str) -> list[str]:
    import re

    return re.findall(r"(?<![A-Za-z0-9])[Pp]\d{1,4}(?![0-9])", name)


def get_or_create(session: Session, pid: str, cache: dict[str, Participant] | None = None) -> Participant:
    if cache is not None and pid in cache:
        return cache[pid]
    participant = session.scalar(select(Participant).where(Participant.pid == pid))
    if participant is None:
        participant = Participant(pid=pid)
        session.add(participant)
        session.flush()
    if cache is not None:
        cache[pid] = participant
    return participant


@dataclass(frozen=True)
class AttributeRows:
    path: str
    rows: list[tuple[str, dict[str, str]]]
    types: dict[str, str] = field(default_factory=dict)  # declared in the header: ``years:numeric``


def read_attributes_csv(path: Path, language: str | None = None) -> AttributeRows:
    """Read and validate a participant attributes CSV (participant column + attribute columns)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the attributes file ({error.strerror})") from None
    from workbench.services.importing.readers import decode_text

    text, _ = decode_text(path, raw)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "attributes file is empty; it needs a header row with a participant column", 1) from None
    names = [h.strip() for h in header]
    types: dict[str, str] = {}
    for index, name in enumerate(names):
        base, colon, declared = name.rpartition(":")
        if colon and declared.strip().lower() in ATTRIBUTE_TYPES and base.strip():
            names[index] = base.strip()
            types[base.strip()] = declared.strip().lower()
    lowered = [n.lower() for n in names]
    column = next((lowered.index(c) for c in PARTICIPANT_COLUMNS if c in lowered), None)
    if column is None:
        raise InputError(path, f"no participant column; name one column 'participant' (found: {', '.join(names)})", 1)
    if len(set(lowered)) != len(lowered):
        raise InputError(path, "two columns have the same name", 1)
    rows: list[tuple[str, dict[str, str]]] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise InputError(path, f"expected {len(names)} columns, found {len(row)}", number)
        raw_id = row[column].strip()
        if not raw_id:
            raise InputError(path, "the participant column is empty", number)
        pid = normalise_participant_id(raw_id, language) or raw_id
        if pid in seen:
            raise InputError(path, f"participant {pid} appears twice", number)
        seen.add(pid)
        values = {names[i]: cell.strip() for i, cell in enumerate(row) if i != column and cell.strip()}
        rows.append((pid, values))
    return AttributeRows(str(path), rows, types)


def apply_attributes(session: Session, rows: AttributeRows) -> int:
    """Set the attributes (replacing values of the same key); returns participants touched."""
    for pid, values in rows.rows:
        participant = get_or_create(session, pid)
        existing = {a.key: a for a in participant.attributes}
        for key, value in values.items():
            if key in existing:
                existing[key].value = value
            else:
                participant.attributes.append(ParticipantAttribute(key=key, value=value))
    if rows.types:
        store_declared_types(session, rows.types)
    return len(rows.rows)


def store_declared_types(session: Session, types: dict[str, str]) -> None:
    """Remember attribute types declared in an attributes CSV header with the project (Table 1 uses them)."""
    import json

    setting = session.get(Setting, TYPES_SETTING)
    current = json.loads(setting.value) if setting else {}
    current.update(types)
    if setting is None:
        session.add(Setting(key=TYPES_SETTING, value=json.dumps(current, sort_keys=True)))
    else:
        setting.value = json.dumps(current, sort_keys=True)


def list_participants(session: Session) -> list[ParticipantInfo]:
    """Every participant with their attributes (by key) and the sources they speak in (by name).

    Three queries over columns, whatever the number of participants (the Sources screen reads this
    when the project opens)."""
    participants = session.execute(select(Participant.id, Participant.pid).order_by(Participant.pid)).all()
    attributes: dict[int, dict[str, str]] = {}
    for owner, key, value in session.execute(
        select(ParticipantAttribute.participant_id, ParticipantAttribute.key, ParticipantAttribute.value)
        .order_by(ParticipantAttribute.key)
    ):
        attributes.setdefault(owner, {})[key] = value
    where = session.execute(
        select(Turn.participant_id, Source.name)
        .join(Source, Source.id == Turn.source_id)
        .where(Turn.participant_id.is_not(None))
        .distinct()
        .order_by(Source.name)
    ).all()
    sources: dict[int, list[str]] = {}
    for participant_id, name in where:
        assert participant_id is not None  # the query keeps only turns with a participant
        sources.setdefault(participant_id, []).append(name)
    return [ParticipantInfo(pid, attributes.get(id, {}), sources.get(id, [])) for id, pid in participants]
