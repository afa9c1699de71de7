"""A transcript's text made ready to store, and stored: turns, segments, the source row.

Below both the batch import (:mod:`.batch`) and the REFI-QDA importer (:mod:`workbench.interop`),
which each hand texts to :func:`prepare_text` and :func:`add_text_source`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.languages import DEFAULT_LANGUAGE
from workbench.domain.spans import Span, line_spans, strip_span, without_leading_bom
from workbench.domain.transcript import ParsedTranscript, count_words, split_turns
from workbench.errors import InputError
from workbench.services.project import participants as people
from workbench.store.bulk import insert_rows
from workbench.store.models import Segment, Source, Turn

TURN_COLUMNS = (
    "source_id", "ordinal", "speaker_label", "speaker_role", "participant_id",
    "label_start", "start", "end", "time_start_ms", "time_end_ms",
)
SEGMENT_COLUMNS = ("source_id", "turn_id", "ordinal", "start", "end")
FOCUS_GROUP_NAME = re.compile(r"(?i)(focus[ _-]?group|(?<![a-z])fg\d*(?![a-z]))")


@dataclass(frozen=True)
class ImportOptions:
    kind: str | None = None
    speaker_map: dict[str, str] = field(default_factory=dict)
    interviewer_labels: tuple[str, ...] = ()
    spacy_model: str | None = None
    language: str | None = None  # ISO 639-1 of these sources; None: the project's language
    processes: int | None = None  # 1: segment here; 2: in a second process where the machine can; None: by batch size
    layout: str | None = None  # a transcript layout name (workbench.domain.layouts); None: detected per file


@dataclass(frozen=True)
class PreparedText:
    """Plain text split into turns and segmented, ready to store (computed outside any transaction)."""

    text: str
    parsed: ParsedTranscript
    segments: list[list[tuple[int, int]]]
    content_hash: str
    words: int
    language: str = DEFAULT_LANGUAGE  # the language it was segmented in, stored with the source
    layout: str = ""  # how the turns were found: "otter layout, 2 speakers"


def content_hash(text: str) -> str:
    """What identifies a source's stored text (duplicates on import, sources in a merge)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_text(
    where: object,
    text: str,
    cue_times: list[tuple[int, int]] | None = None,
    spacy_model: str | None = None,
    language: str | None = None,
    *,
    parsed: ParsedTranscript | None = None,
    layout: str = "",
) -> PreparedText:
    """Split ``text`` into turns (or take ``parsed``, turns over ``text`` found by a layout) and segment them."""
    if parsed is None:
        text = without_leading_bom(text)  # before any offset is taken (readers and REFI-QDA sources alike)
        parsed = split_turns(text, cue_times)
    if not parsed.turns:
        raise InputError(where, "has no text to code")
    body_spans = [t.body for t in parsed.turns]
    language = language or DEFAULT_LANGUAGE
    return PreparedText(
        text=text,
        parsed=parsed,
        segments=segment_bodies(text, body_spans, spacy_model, language),
        content_hash=content_hash(text),
        words=count_words(text, body_spans),
        language=language,
        layout=layout,
    )


def add_text_source(
    session: Session,
    prepared: PreparedText,
    *,
    name: str,
    kind: str | None,
    original_filename: str,
    original_format: str,
    encoding: str | None,
    options: ImportOptions,
) -> Source:
    """Store prepared text as a new source (name made unique, kind guessed when None) with turns and segments."""
    source = Source(
        name=_unique_name(session, name),
        kind=kind or guess_kind(Path(name), prepared.parsed),
        text=prepared.text,
        content_hash=prepared.content_hash,
        original_filename=original_filename,
        original_format=original_format,
        encoding=encoding,
        word_count=prepared.words,
        language=prepared.language,
    )
    session.add(source)
    session.flush()
    _insert_turns_and_segments(session, source, prepared.parsed, prepared.segments, options)
    return source


def segment_bodies(text: str, bodies: list[Span], model: str | None, language: str) -> list[list[tuple[int, int]]]:
    """Sentence spans (source offsets) of every turn body, via spaCy, line by line."""
    from workbench.services.text.nlp import segment_text

    pieces: list[tuple[int, int]] = []
    owner: list[int] = []  # turn index of each piece
    for index, body in enumerate(bodies):
        if "\n" not in text[body.start : body.end]:
            pieces.append((body.start, body.end))
            owner.append(index)
            continue
        for line in line_spans(text[body.start : body.end]):
            stripped = strip_span(text, body.start + line.start, body.start + line.end)
            if stripped.length:
                pieces.append((stripped.start, stripped.end))
                owner.append(index)
    result: list[list[tuple[int, int]]] = [[] for _ in bodies]
    piece_index = 0
    for sentence in segment_text(text, pieces, model, language):
        while sentence[0] >= pieces[piece_index][1]:
            piece_index += 1
        result[owner[piece_index]].append(sentence)
    return result


def _insert_turns_and_segments(
    session: Session,
    source: Source,
    parsed: ParsedTranscript,
    segments: list[list[tuple[int, int]]],
    options: ImportOptions,
) -> None:
    interviewers = people.interviewer_labels(session, source.language)
    speakers: dict[str, tuple[str, int | None]] = {}  # label → (role, participant row id)

    def speaker(label: str) -> tuple[str, int | None]:
        if label not in speakers:
            role, pid = people.resolve_speaker(
                label, source_name=source.name, kind=source.kind, interviewers=interviewers,
                speaker_map=options.speaker_map, language=source.language,
            )
            speakers[label] = (role, people.get_or_create(session, pid).id if pid is not None else None)
        return speakers[label]

    rows = []
    for ordinal, turn in enumerate(parsed.turns):
        role, participant_id = speaker(turn.label) if turn.label is not None else (None, None)
        rows.append(
            (source.id, ordinal, turn.label, role, participant_id, turn.label_start, turn.body.start, turn.body.end,
             turn.time_start_ms, turn.time_end_ms)
        )
    connection = session.connection()
    insert_rows(connection, Turn.__table__, TURN_COLUMNS, rows)
    ids_by_ordinal = dict(connection.execute(select(Turn.ordinal, Turn.id).where(Turn.source_id == source.id)).all())
    segment_rows = []
    ordinal = 0
    for turn_ordinal, spans in enumerate(segments):
        turn_id = ids_by_ordinal[turn_ordinal]
        for start, end in spans:
            segment_rows.append((source.id, turn_id, ordinal, start, end))
            ordinal += 1
    insert_rows(connection, Segment.__table__, SEGMENT_COLUMNS, segment_rows)


def _unique_name(session: Session, stem: str) -> str:
    if session.scalar(select(Source.id).where(Source.name == stem)) is None:
        return stem
    taken = set(session.scalars(select(Source.name).where(Source.name.like(f"{stem} (%)"))))
    number = 2
    while f"{stem} ({number})" in taken:
        number += 1
    return f"{stem} ({number})"


def guess_kind(path: Path, parsed: ParsedTranscript) -> str:
    """The kind of data collection: from the file or folder name, else from the number of speakers."""
    if FOCUS_GROUP_NAME.search(str(path.name)) or FOCUS_GROUP_NAME.search(path.parent.name):
        return "focus-group"
    if "interview" in str(path).lower():
        return "interview"
    speakers = {t.label for t in parsed.turns if t.label}
    return "focus-group" if len(speakers) > 2 else "interview"
