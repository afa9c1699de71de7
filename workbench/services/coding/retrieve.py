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

from sqlalchemy import Row, Select, func, select
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


PAGE_SIZE = 100  # segments a screen reads at a time (a tall terminal shows about 50)
IDS_PER_QUERY = 10_000  # a statement binds a bounded number of values (SQLite 32,766 by default, PostgreSQL 65,535)


@dataclass(frozen=True)
class SourceSlice:
    """One source's share of a retrieval: its segments come as one run, in the retrieval's order."""

    id: int
    name: str
    kind: str
    count: int


@dataclass(frozen=True)
class Retrieval:
    """Which codings a retrieval matches, without their text: the count, and what reading a page needs.

    Sources come sorted by name (ignoring case), and each source's segments by position. The counts
    are those of the moment :func:`open_retrieval` ran; a page read after other coders changed the
    codings shows the codings then (open the retrieval again to count afresh).
    """

    total: int
    code_ids: tuple[int, ...] = ()
    coder_id: int | None = None
    sources: tuple[SourceSlice, ...] = ()
    coding_ids: tuple[int, ...] | None = None  # with a participant filter: the codings that pass, in order

    @property
    def source_count(self) -> int:
        return len(self.sources)


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
    retrieval = open_retrieval(project, code_keys, include_children=include_children, coder=coder,
                               attribute_filter=attribute_filter, source_kinds=source_kinds)
    return retrieval_page(project, retrieval, 0, retrieval.total)


def open_retrieval(
    project: Project,
    code_keys: Iterable[str],
    *,
    include_children: bool = True,
    coder: str | None = None,
    attribute_filter: Mapping[str, str | Collection[str]] | None = None,
    source_kinds: Collection[str] | None = None,
) -> Retrieval:
    """Count what :func:`retrieve` would return, per source, from the coding indexes (no text is read).

    With a participant attribute filter, the speaker of every matching coding is looked up, so the
    codings that pass are listed (their ids, in order)."""
    keys = list(dict.fromkeys(code_keys))
    if not keys:
        return Retrieval(total=0)
    wanted = _attribute_filter(attribute_filter)
    with project.session() as session:
        code_ids = tuple(sorted(code_ids_with_children(session, keys, include_children)))
        coder_id = None
        if coder is not None:
            coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
            if coder_id is None:
                return Retrieval(total=0, code_ids=code_ids)
        counts: dict[int, int] = {}
        query = select(Coding.source_id, func.count()).where(Coding.code_id.in_(code_ids))
        if coder_id is not None:
            query = query.where(Coding.coder_id == coder_id)
        # grouped as the index (code, source, coder) is ordered: no sort of the matching codings
        for source_id, count in session.execute(query.group_by(Coding.code_id, Coding.source_id)):
            counts[source_id] = counts.get(source_id, 0) + count
        listed = select(Source.id, Source.name, Source.kind).order_by(func.lower(Source.name), Source.name)
        if source_kinds:
            listed = listed.where(Source.kind.in_(list(source_kinds)))
        sources = [SourceSlice(id, name, kind, counts[id]) for id, name, kind in session.execute(listed) if id in counts]
        if not wanted:
            return Retrieval(sum(s.count for s in sources), code_ids, coder_id, tuple(sources))
        return _filtered(session, Retrieval(0, code_ids, coder_id, tuple(sources)), _participants_matching(session, wanted))


def retrieval_page(project: Project, retrieval: Retrieval, offset: int, limit: int = PAGE_SIZE) -> list[RetrievedSegment]:
    """The segments ``offset`` to ``offset + limit`` of a retrieval, with their text, speaker and context."""
    if limit <= 0 or offset >= retrieval.total:
        return []
    with project.session() as session:
        if retrieval.coding_ids is not None:
            wanted = retrieval.coding_ids[offset : offset + limit]
            found: dict[int, _Row] = {}
            for at in range(0, len(wanted), IDS_PER_QUERY):  # a whole retrieval may list more ids than a query binds
                chunk = wanted[at : at + IDS_PER_QUERY]
                found.update((row[0], row) for row in session.execute(_rows(retrieval).where(Coding.id.in_(chunk))))
            rows = [found[i] for i in wanted if i in found]
        else:
            rows = _page_rows(session, retrieval, offset, limit)
        names = {s.id: (s.name, s.kind) for s in retrieval.sources}
        source_ids = {row[1] for row in rows}
        texts = dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(source_ids))).all())
        speakers = _speakers(session, source_ids)
    result = []
    for coding_id, source_id, start, end, memo, key, name, colour, coder_name in rows:
        label, participant, time_ms = _speaker_at(speakers.get(source_id), start)
        text = texts[source_id]
        before, after = context_around(text, start, end)
        source_name, kind = names[source_id]
        result.append(RetrievedSegment(
            source=source_name, kind=kind, coding_id=coding_id, code_key=key, code_name=name, colour=colour,
            coder=coder_name, start=start, end=end, text=text[start:end], speaker=label, participant=participant,
            before=before, after=after, memo=memo, time_ms=time_ms,
        ))
    return result


# id, source id, start, end, memo, code key, code name, colour, coder: see _rows
_Row = Row[int, int, int, int, str | None, str, str, str | None, str]


def _rows(retrieval: Retrieval) -> Select[int, int, int, int, str | None, str, str, str | None, str]:
    """The columns a page needs of the retrieval's codings, without the source's text."""
    query = (
        select(Coding.id, Coding.source_id, Coding.start, Coding.end, Coding.memo, Code.key, Code.name, Code.colour,
               Coder.name)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.code_id.in_(retrieval.code_ids))
    )
    return query if retrieval.coder_id is None else query.where(Coding.coder_id == retrieval.coder_id)


_IN_SOURCE_ORDER = (Coding.start, Coding.end, Code.key, Coder.name, Coding.id)


def _page_rows(session: Session, retrieval: Retrieval, offset: int, limit: int) -> list[_Row]:
    """Rows ``offset`` to ``offset + limit``: a query for each partly read source, one for the sources between."""
    first, last = offset, offset + limit
    partial: list[tuple[SourceSlice, int, int]] = []  # (source, from, to) inside the source
    whole: list[SourceSlice] = []
    order: list[int] = []  # the sources the page touches, in the retrieval's order
    begin = 0
    for source in retrieval.sources:
        end = begin + source.count
        if end > first and begin < last:
            order.append(source.id)
            inner = (max(first, begin) - begin, min(last, end) - begin)
            if inner == (0, source.count):
                whole.append(source)
            else:
                partial.append((source, *inner))
        begin = end
    by_source: dict[int, list[_Row]] = {}
    for source, start, stop in partial:
        query = _rows(retrieval).where(Coding.source_id == source.id).order_by(*_IN_SOURCE_ORDER)
        by_source[source.id] = list(session.execute(query.offset(start).limit(stop - start)))
    if whole:
        query = _rows(retrieval).where(Coding.source_id.in_([s.id for s in whole])).order_by(Coding.source_id, *_IN_SOURCE_ORDER)
        for row in session.execute(query):
            by_source.setdefault(row[1], []).append(row)
    return [row for source_id in order for row in by_source.get(source_id, [])]


def _filtered(session: Session, retrieval: Retrieval, allowed: set[str]) -> Retrieval:
    """The retrieval narrowed to codings whose speaker is one of the ``allowed`` participants.

    The codings are read without joins or sorting and put in order here, by the database's own
    order of code keys and coder names (so the order is the same as a page's)."""
    people = set(session.scalars(select(Participant.id).where(Participant.pid.in_(allowed)))) if allowed else set()
    spoken = set(session.scalars(select(Turn.source_id).where(Turn.participant_id.in_(people)).distinct()))
    sources = [s for s in retrieval.sources if s.id in spoken]
    turns: dict[int, tuple[list[int], list[bool]]] = {}  # per source: turn label starts, whether one of the people speaks
    for source_id, label_start, participant_id in session.execute(
        select(Turn.source_id, Turn.label_start, Turn.participant_id)
        .where(Turn.source_id.in_([s.id for s in sources]))
        .order_by(Turn.source_id, Turn.label_start, Turn.ordinal)
    ):
        starts, speaks = turns.setdefault(source_id, ([], []))
        starts.append(label_start)
        speaks.append(participant_id in people)
    code_rank = {code_id: i for i, code_id in enumerate(session.scalars(select(Code.id).order_by(Code.key)))}
    coder_rank = {coder_id: i for i, coder_id in enumerate(session.scalars(select(Coder.id).order_by(Coder.name)))}
    query = select(Coding.id, Coding.source_id, Coding.start, Coding.end, Coding.code_id, Coding.coder_id).where(
        Coding.code_id.in_(retrieval.code_ids), Coding.source_id.in_([s.id for s in sources])
    )
    if retrieval.coder_id is not None:
        query = query.where(Coding.coder_id == retrieval.coder_id)
    passed: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for coding_id, source_id, start, end, code_id, coder_id in session.execute(query):
        starts, speaks = turns[source_id]
        index = bisect_right(starts, start) - 1  # the turn the coding starts in (see _speaker_at)
        if index >= 0 and speaks[index]:
            passed.setdefault(source_id, []).append((start, end, code_rank[code_id], coder_rank[coder_id], coding_id))
    kept = [SourceSlice(s.id, s.name, s.kind, len(passed[s.id])) for s in sources if s.id in passed]
    ids = tuple(key[-1] for s in kept for key in sorted(passed[s.id]))
    return Retrieval(len(ids), retrieval.code_ids, retrieval.coder_id, tuple(kept), ids)


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
