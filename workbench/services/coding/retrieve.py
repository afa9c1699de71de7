"""Retrieval: the coded segments of one or more codes, with who said them and their context.

Filters combine with AND: codes (with their sub-codes unless
``include_children=False``), one coder, participant attributes and source
kinds. An attribute filter maps a key to one value or to several (any of
them): ``{"gender": "female", "role": ["nurse", "doctor"]}``; values compare
case-insensitively. The speaker of a segment is the turn its ``start`` falls
in (a turn reaches from its label to the next turn's label); a segment whose
speaker is not a participant (an interviewer, unlabelled text) never passes an
attribute filter.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import NotFoundError
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Participant, ParticipantAttribute, Source, Turn

CONTEXT_CHARS = 150
ELLIPSIS = "…"


@dataclass(frozen=True)
class RetrievedSegment:
    source: str
    kind: str
    coding_id: int
    code_key: str
    code_name: str
    colour: str | None
    coder: str
    start: int
    end: int
    text: str
    speaker: str | None
    participant: str | None
    before: str
    after: str
    memo: str | None = None
    time_ms: int | None = None  # when the turn starts, where the transcript has times


def retrieve(
    project: Project,
    code_keys: Iterable[str],
    *,
    include_children: bool = True,
    coder: str | None = None,
    attribute_filter: Mapping[str, str | Collection[str]] | None = None,
    source_kinds: Collection[str] | None = None,
) -> list[RetrievedSegment]:
    """Coded segments, sorted by source name (ignoring case) then position. No codes → no segments."""
    keys = list(dict.fromkeys(code_keys))
    if not keys:
        return []
    wanted = _attribute_filter(attribute_filter)
    with project.session() as session:
        code_ids = code_ids_with_children(session, keys, include_children)
        query = (
            select(Coding, Code.key, Code.name, Code.colour, Coder.name, Source.name, Source.kind)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .join(Source, Source.id == Coding.source_id)
            .where(Coding.code_id.in_(code_ids))
            .order_by(func.lower(Source.name), Source.name, Coding.start, Coding.end, Code.key, Coder.name, Coding.id)
        )
        if coder is not None:
            query = query.where(Coder.name == coder)
        if source_kinds:
            query = query.where(Source.kind.in_(list(source_kinds)))
        rows = session.execute(query).all()
        source_ids = {row[0].source_id for row in rows}
        texts = dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(source_ids))).all())
        speakers = _speakers(session, source_ids)
        allowed = _participants_matching(session, wanted) if wanted else None
        result: list[RetrievedSegment] = []
        for coding, key, name, colour, coder_name, source_name, kind in rows:
            label, participant, time_ms = _speaker_at(speakers.get(coding.source_id), coding.start)
            if allowed is not None and participant not in allowed:
                continue
            text = texts[coding.source_id]
            before, after = context_around(text, coding.start, coding.end)
            result.append(
                RetrievedSegment(
                    source=source_name,
                    kind=kind,
                    coding_id=coding.id,
                    code_key=key,
                    code_name=name,
                    colour=colour,
                    coder=coder_name,
                    start=coding.start,
                    end=coding.end,
                    text=text[coding.start : coding.end],
                    speaker=label,
                    participant=participant,
                    before=before,
                    after=after,
                    memo=coding.memo,
                    time_ms=time_ms,
                )
            )
    return result


def attribute_values(project: Project) -> dict[str, list[str]]:
    """Every participant attribute key with its distinct values, both sorted (for filter pickers)."""
    with project.session() as session:
        rows = session.execute(select(ParticipantAttribute.key, ParticipantAttribute.value).distinct()).all()
    values: dict[str, set[str]] = {}
    for key, value in rows:
        values.setdefault(key, set()).add(value)
    return {key: sorted(values[key], key=str.lower) for key in sorted(values, key=str.lower)}


def source_kinds(project: Project) -> list[str]:
    """The kinds of source the project holds (for filter pickers)."""
    with project.session() as session:
        return sorted(session.scalars(select(Source.kind).distinct()))


def context_around(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Up to ``width`` characters either side of ``[start, end)``, cut at line boundaries.

    Before: from the start of the earliest line that begins within ``width``
    characters; after: to the end of the last line that ends within ``width``.
    When the segment's own line runs further than ``width``, the context is
    cut at a word boundary and marked with an ellipsis. Blank lines at the
    outer edges are dropped.
    """
    floor = max(0, start - width)
    line_start = text.rfind("\n", 0, start) + 1  # 0 when there is none
    if line_start >= floor:
        begin = line_start
        while begin > floor:
            previous = text.rfind("\n", 0, begin - 1) + 1
            if previous < floor:
                break
            begin = previous
        before = text[begin:start].lstrip("\n")
    else:
        space = text.find(" ", floor, start)
        before = ELLIPSIS + text[(space + 1 if space >= 0 else floor) : start]
    ceiling = min(len(text), end + width)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if line_end <= ceiling:
        finish = line_end
        while finish < ceiling:
            following = text.find("\n", finish + 1)
            following = len(text) if following < 0 else following
            if following > ceiling:
                break
            finish = following
        after = text[end:finish].rstrip("\n")
    else:
        space = text.rfind(" ", end, ceiling)
        after = text[end : (space if space > end else ceiling)] + ELLIPSIS
    return before, after


def _attribute_filter(raw: Mapping[str, str | Collection[str]] | None) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for key, value in (raw or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        cleaned = {v.strip().casefold() for v in values if v.strip()}
        if cleaned:
            wanted[key.strip()] = cleaned
    return wanted


def code_ids_with_children(session: Session, keys: list[str], include_children: bool) -> set[int]:
    codes = session.execute(select(Code.id, Code.key, Code.parent_id)).all()
    by_key = {key: code_id for code_id, key, _ in codes}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise NotFoundError(f"no code {missing[0]!r}; see 'workbench codebook show'")
    ids = {by_key[k] for k in keys}
    if include_children:
        children: dict[int | None, list[int]] = {}
        for code_id, _, parent_id in codes:
            children.setdefault(parent_id, []).append(code_id)
        queue = list(ids)
        while queue:
            for child in children.get(queue.pop(), []):
                if child not in ids:
                    ids.add(child)
                    queue.append(child)
    return ids


_Speakers = tuple[list[int], list[tuple[str | None, str | None, int | None]]]


def _speakers(session: Session, source_ids: set[int]) -> dict[int, _Speakers]:
    """Per source: turn label starts (sorted) and (speaker label, participant id, start time) of each turn."""
    rows = session.execute(
        select(Turn.source_id, Turn.label_start, Turn.speaker_label, Participant.pid, Turn.time_start_ms)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Turn.source_id.in_(source_ids))
        .order_by(Turn.source_id, Turn.label_start, Turn.ordinal)
    ).all()
    result: dict[int, _Speakers] = {}
    for source_id, label_start, label, pid, time_ms in rows:
        starts, who = result.setdefault(source_id, ([], []))
        starts.append(label_start)
        who.append((label, pid, time_ms))
    return result


def _speaker_at(speakers: _Speakers | None, position: int) -> tuple[str | None, str | None, int | None]:
    if not speakers:
        return None, None, None
    starts, who = speakers
    index = bisect_right(starts, position) - 1
    return who[index] if index >= 0 else (None, None, None)


def _participants_matching(session: Session, wanted: dict[str, set[str]]) -> set[str]:
    """Participant ids whose attributes match every key of the filter."""
    rows = session.execute(
        select(Participant.pid, ParticipantAttribute.key, ParticipantAttribute.value)
        .join(ParticipantAttribute, ParticipantAttribute.participant_id == Participant.id)
        .where(ParticipantAttribute.key.in_(list(wanted)))
    ).all()
    matched: dict[str, set[str]] = {}
    for pid, key, value in rows:
        if value.strip().casefold() in wanted[key]:
            matched.setdefault(pid, set()).add(key)
    return {pid for pid, keys in matched.items() if len(keys) == len(wanted)}
