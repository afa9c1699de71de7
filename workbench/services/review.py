"""Second-coder review: disagreements between two coders, adjudicated into a consensus layer.

A **disagreement** is a maximal region of one source where the two coders'
character sets for one code differ: each connected stretch of the union of
both coders' codings of the code (overlapping or touching codings joined), in
which the two coders did not code exactly the same characters. So the
reviewer always sees whole codings, with the parts only the first coder
coded, only the second, and both. Stretches both coded identically are
**agreed regions**; :func:`start_review` copies them into the consensus layer
(a coder, ``consensus`` by default) and is idempotent: a region the consensus
layer already covers is not written again.

Each decision (:data:`DECISIONS`) writes consensus codings inside the region:
``first``/``second`` keep one coder's characters, ``union`` the whole region,
``intersection`` what both coded, ``neither`` nothing, ``edited`` the spans
given. It is stored as an :class:`~workbench.store.models.Adjudication` with
the spans written and the note; deciding again replaces the earlier decision,
and :func:`undo_last` removes the latest decision with its consensus codings.
A session resumes where it stopped: decided regions come back resolved.
Consensus codings already in a region before it was decided are left alone.

Only sources both coders coded are reviewed (the double-coded subset). Every
function is one transaction; changes are audited with the ``actor`` and note.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.spans import Span, check_span, intersect_all, merge, subtract
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.services.codebooks import CodeInfo, list_codes
from workbench.services.coders import check_coder_name, get_or_create_coder, require_coder
from workbench.store.engine import Project
from workbench.store.models import Adjudication, Code, Coder, Coding, Source, Turn

DECISIONS = ("first", "second", "union", "intersection", "neither", "edited")
CONTEXT_CHARS = 240
REFINABLE = ("definition", "when_to_use", "when_not_to_use")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    kind: str  # "both", "first" (first coder only) or "second"


@dataclass(frozen=True)
class Disagreement:
    source: str
    source_id: int
    code: str
    code_id: int
    code_name: str
    start: int
    end: int
    first_spans: tuple[Span, ...]
    second_spans: tuple[Span, ...]
    pieces: tuple[Piece, ...]
    context_start: int
    text: str  # the source text from context_start, covering the region and some context
    speaker: str | None
    first_memos: tuple[str, ...] = ()
    second_memos: tuple[str, ...] = ()
    decision: str | None = None
    result: tuple[Span, ...] = ()
    note: str | None = None
    adjudication_id: int | None = None

    @property
    def resolved(self) -> bool:
        return self.decision is not None

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.source, self.code, self.start, self.end)

    def spans_for(self, decision: str) -> tuple[Span, ...]:
        """What a decision (other than ``edited``) would write to the consensus layer."""
        if decision == "first":
            return self.first_spans
        if decision == "second":
            return self.second_spans
        if decision == "union":
            return (Span(self.start, self.end),)
        if decision == "intersection":
            return tuple(intersect_all(self.first_spans, self.second_spans))
        if decision == "neither":
            return ()
        raise WorkbenchError(f"decision must be one of {', '.join(DECISIONS[:-1])} (or edited spans), not {decision!r}")


@dataclass(frozen=True)
class ReviewState:
    first: str
    second: str
    consensus: str
    disagreements: tuple[Disagreement, ...]  # by code, source, position
    agreed_regions: int
    seeded: int  # agreed regions written to the consensus layer by this call

    @property
    def resolved(self) -> int:
        return sum(1 for d in self.disagreements if d.resolved)

    def progress(self, code: str | None = None) -> tuple[int, int]:
        """(resolved, total) disagreements, of one code or all."""
        chosen = [d for d in self.disagreements if code is None or d.code == code]
        return sum(1 for d in chosen if d.resolved), len(chosen)


@dataclass(frozen=True)
class Undone:
    source: str
    code: str
    start: int
    end: int
    decision: str


# --- reading the two coders -------------------------------------------------------------------


@dataclass
class _Coders:
    first: Coder
    second: Coder
    consensus: Coder


def _coders(session: Session, first: str, second: str, consensus: str, create: bool) -> _Coders:
    if first == second:
        raise WorkbenchError(f"review compares two different coders, not {first!r} with itself")
    consensus = check_coder_name(consensus)
    if consensus in (first, second):
        raise WorkbenchError(f"the consensus layer needs its own coder name, not {consensus!r}; e.g. 'consensus'")
    a, b = require_coder(session, first), require_coder(session, second)
    if create:
        return _Coders(a, b, get_or_create_coder(session, consensus))
    found = session.scalar(select(Coder).where(Coder.name == consensus))
    return _Coders(a, b, found if found is not None else Coder(id=-1, name=consensus))  # no layer yet: nothing decided


def _regions(session: Session, who: _Coders, code_id: int | None = None, source_id: int | None = None):  # type: ignore[no-untyped-def]
    # code_id and source_id go together (re-reading one region) or not at all
    """Yield (source, code, agreed, region, first spans, second spans, memos) per stretch of the union."""
    query = select(Coding).where(Coding.coder_id.in_([who.first.id, who.second.id]))
    if code_id is not None:
        query = query.where(Coding.code_id == code_id)
    if source_id is not None:
        query = query.where(Coding.source_id == source_id)
    spans: dict[tuple[int, int], tuple[list, list]] = defaultdict(lambda: ([], []))
    memos: dict[tuple[int, int], list[tuple[int, int, int, str]]] = defaultdict(list)
    coded_by: dict[int, set[int]] = defaultdict(set)
    for coding in session.scalars(query):
        side = 0 if coding.coder_id == who.first.id else 1
        spans[coding.source_id, coding.code_id][side].append((coding.start, coding.end))
        coded_by[coding.source_id].add(side)
        if coding.memo:
            memos[coding.source_id, coding.code_id].append((side, coding.start, coding.end, coding.memo))
    # reviewed: the sources both coders coded (any code); a region asked for by source is taken as it is
    double = set(coded_by) if source_id is not None else {s for s, sides in coded_by.items() if len(sides) == 2}
    for (source_id_, code_id_), (a, b) in sorted(spans.items()):
        if source_id_ not in double:
            continue
        first, second = merge(a), merge(b)
        for region in merge([*first, *second]):
            inside_a = [s for s in first if region.start <= s.start and s.end <= region.end]
            inside_b = [s for s in second if region.start <= s.start and s.end <= region.end]
            notes = [(side, memo) for side, s, e, memo in memos[source_id_, code_id_] if s < region.end and e > region.start]
            yield source_id_, code_id_, inside_a == inside_b, region, inside_a, inside_b, notes


def _pieces(region: Span, first: list[Span], second: list[Span]) -> tuple[Piece, ...]:
    both = intersect_all(first, second)
    parts = [Piece(s.start, s.end, "both") for s in both]
    parts += [Piece(s.start, s.end, "first") for s in subtract(first, second)]
    parts += [Piece(s.start, s.end, "second") for s in subtract(second, first)]
    return tuple(sorted(parts, key=lambda p: p.start))


def _context(text: str, region: Span) -> tuple[int, int]:
    """Context around a region: up to CONTEXT_CHARS either side, inside the lines it is on, at word boundaries."""
    line_start = text.rfind("\n", 0, region.start) + 1
    line_end = text.find("\n", region.end)
    line_end = len(text) if line_end < 0 else line_end
    start = max(line_start, region.start - CONTEXT_CHARS)
    end = min(line_end, region.end + CONTEXT_CHARS)
    if start > line_start:
        space = text.find(" ", start, region.start)
        start = space + 1 if space >= 0 else start
    if end < line_end:
        space = text.rfind(" ", region.end, end)
        end = space if space >= 0 else end
    return start, end


def _disagreements(session: Session, who: _Coders, code_id: int | None = None, source_id: int | None = None):  # type: ignore[no-untyped-def]
    """(disagreements, agreed regions as (source_id, code_id, span))."""
    codes = {c.id: c for c in session.scalars(select(Code))}
    texts: dict[int, tuple[str, str]] = {}
    turns: dict[int, tuple[list[int], list[str | None]]] = {}
    decided = {
        (a.source_id, a.code_id, a.start, a.end): a
        for a in session.scalars(
            select(Adjudication).where(
                Adjudication.first_coder_id == who.first.id, Adjudication.second_coder_id == who.second.id,
                Adjudication.consensus_coder_id == who.consensus.id,
            ).order_by(Adjudication.id)
        )
    }  # fmt: skip
    found, agreed = [], []
    for src, code_id_, same, region, first, second, memos in _regions(session, who, code_id, source_id):
        if same:
            agreed.append((src, code_id_, region))
            continue
        if src not in texts:
            texts[src] = tuple(session.execute(select(Source.name, Source.text).where(Source.id == src)).one())
            rows = session.execute(select(Turn.label_start, Turn.speaker_label)
                                   .where(Turn.source_id == src).order_by(Turn.label_start)).all()  # fmt: skip
            turns[src] = ([r[0] for r in rows], [r[1] for r in rows])
        name, text = texts[src]
        start, end = _context(text, region)
        before = bisect.bisect_right(turns[src][0], region.start) - 1
        speaker = turns[src][1][before] if before >= 0 else None
        adjudication = decided.get((src, code_id_, region.start, region.end))
        code = codes[code_id_]
        found.append(Disagreement(
            name, src, code.key, code.id, code.name, region.start, region.end, tuple(first), tuple(second),
            _pieces(region, first, second), start, text[start:end], speaker,
            tuple(m for side, m in memos if side == 0), tuple(m for side, m in memos if side == 1),
            adjudication.decision if adjudication else None,
            tuple(Span(s, e) for s, e in adjudication.result) if adjudication else (),
            adjudication.note if adjudication else None, adjudication.id if adjudication else None,
        ))  # fmt: skip
    found.sort(key=lambda d: (d.code, d.source, d.start))
    return found, agreed


def _consensus_spans(session: Session, who: _Coders, source_id: int, code_id: int) -> list[Span]:
    rows = session.execute(
        select(Coding.start, Coding.end).where(
            Coding.coder_id == who.consensus.id, Coding.source_id == source_id, Coding.code_id == code_id
        )
    ).all()
    return merge(rows)


# --- the session ---------------------------------------------------------------------------------


def start_review(project: Project, first: str, second: str, consensus: str = "consensus", *, actor: str | None = None) -> ReviewState:
    """Copy agreed regions into the consensus layer (once) and list every disagreement, decided or not."""
    with project.session(actor=actor, note=f"agreed regions of {first} and {second}") as session:
        who = _coders(session, first, second, consensus, create=True)
        if actor:
            get_or_create_coder(session, actor)  # named in the audit trail
        disagreements, agreed = _disagreements(session, who)
        if not disagreements and not agreed:
            raise WorkbenchError(f"no source was coded by both {first} and {second}; nothing to review")
        seeded = 0
        for source_id, code_id, region in agreed:
            if subtract([region], _consensus_spans(session, who, source_id, code_id)):
                session.add(Coding(source_id=source_id, code_id=code_id, coder_id=who.consensus.id,
                                   start=region.start, end=region.end, memo=f"agreed by {first} and {second}"))  # fmt: skip
                seeded += 1
        session.flush()
        return ReviewState(first, second, consensus, tuple(disagreements), len(agreed), seeded)


def list_disagreements(project: Project, first: str, second: str, consensus: str = "consensus") -> ReviewState:
    """The disagreements and their status, writing nothing."""
    with project.session() as session:
        who = _coders(session, first, second, consensus, create=False)
        disagreements, agreed = _disagreements(session, who)
        return ReviewState(first, second, consensus, tuple(disagreements), len(agreed), 0)


def adjudicate(
    project: Project,
    review: ReviewState | tuple[str, str, str],
    disagreement: Disagreement,
    decision: str,
    *,
    spans: Iterable[tuple[int, int]] | None = None,
    note: str | None = None,
    actor: str | None = None,
) -> Disagreement:
    """Decide one disagreement; writes its consensus codings and returns it resolved.

    ``spans`` are the consensus spans for ``decision="edited"``. Deciding a
    region again replaces the earlier decision. Raises ConflictError when the
    coders' codings changed so the region is no longer a disagreement.
    """
    first, second, consensus = (review.first, review.second, review.consensus) if isinstance(review, ReviewState) else review
    note = (note or "").strip() or None
    with project.session(actor=actor, note=note) as session:
        who = _coders(session, first, second, consensus, create=True)
        decided_by = get_or_create_coder(session, actor) if actor else None
        current = _current(session, who, disagreement)
        if decision == "edited":
            if spans is None:
                raise WorkbenchError("an edited decision needs the consensus span(s)")
            result = tuple(merge(spans))
            length = len(session.scalar(select(Source.text).where(Source.id == current.source_id)) or "")
            for span in result:
                problem = check_span(span.start, span.end, length)
                if problem:
                    raise WorkbenchError(f"cannot use {span.start}-{span.end} as the consensus span: {problem}")
        else:
            result = current.spans_for(decision)
        if current.adjudication_id is not None:
            _remove(session, who, session.get(Adjudication, current.adjudication_id))
        memo = f"adjudicated ({decision})" + (f": {note}" if note else "")
        for span in result:
            session.add(Coding(source_id=current.source_id, code_id=current.code_id, coder_id=who.consensus.id,
                               start=span.start, end=span.end, memo=memo))  # fmt: skip
        row = Adjudication(
            source_id=current.source_id, code_id=current.code_id, first_coder_id=who.first.id,
            second_coder_id=who.second.id, consensus_coder_id=who.consensus.id, start=current.start,
            end=current.end, decision=decision, result=[list(s) for s in result], note=note,
            decided_by_id=decided_by.id if decided_by else None,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return dataclasses.replace(current, decision=decision, result=result, note=note, adjudication_id=row.id)


def _current(session: Session, who: _Coders, wanted: Disagreement) -> Disagreement:
    found, _ = _disagreements(session, who, code_id=wanted.code_id, source_id=wanted.source_id)
    for d in found:
        if (d.start, d.end) == (wanted.start, wanted.end):
            return d
    raise ConflictError(
        f"the codings of {wanted.code_name!r} in {wanted.source} at {wanted.start}-{wanted.end} changed since the "
        "review was loaded; reload the review"
    )


def _remove(session: Session, who: _Coders, adjudication: Adjudication) -> None:
    """Delete an adjudication and the consensus codings it wrote."""
    for start, end in adjudication.result:
        coding = session.scalar(
            select(Coding).where(
                Coding.coder_id == who.consensus.id, Coding.source_id == adjudication.source_id,
                Coding.code_id == adjudication.code_id, Coding.start == start, Coding.end == end,
            ).order_by(Coding.id.desc()).limit(1)
        )  # fmt: skip
        if coding is not None:
            session.delete(coding)
    session.delete(adjudication)
    session.flush()


def undo_last(project: Project, first: str, second: str, consensus: str = "consensus", *, actor: str | None = None) -> Undone | None:
    """Take back the latest decision of this review (its consensus codings go too); None when there is none."""
    with project.session(actor=actor, note="undo adjudication") as session:
        who = _coders(session, first, second, consensus, create=False)
        latest = session.scalar(
            select(Adjudication).where(
                Adjudication.first_coder_id == who.first.id, Adjudication.second_coder_id == who.second.id,
                Adjudication.consensus_coder_id == who.consensus.id,
            ).order_by(Adjudication.id.desc()).limit(1)
        )  # fmt: skip
        if latest is None:
            return None
        source = session.get(Source, latest.source_id)
        code = session.get(Code, latest.code_id)
        undone = Undone(source.name, code.key, latest.start, latest.end, latest.decision)  # type: ignore[union-attr]
        _remove(session, who, latest)
        return undone


# --- codebook refinement ----------------------------------------------------------------------


def refine_code(
    project: Project, key: str, *, expected_version: int, note: str | None = None, actor: str | None = None,
    **fields: str | None,
) -> CodeInfo:  # fmt: skip
    """Change a code's definition (or when_to_use / when_not_to_use) during review, with a note.

    The audit trail records the before and after with the note. Raises
    ConflictError when the code's version is no longer ``expected_version``.
    """
    unknown = set(fields) - set(REFINABLE)
    if unknown:
        raise WorkbenchError(f"only {', '.join(REFINABLE)} can be refined here, not {', '.join(sorted(unknown))}")
    from sqlalchemy.orm.exc import StaleDataError

    note = (note or "").strip() or "refined during review"
    with project.session(actor=actor, note=note) as session:
        if actor:
            get_or_create_coder(session, actor)  # so the audit trail can name who refined it
        code = session.scalar(select(Code).where(Code.key == key))
        if code is None:
            raise NotFoundError(f"no code {key!r}; it may have been deleted or merged; reload the review")
        if code.version != expected_version:
            raise ConflictError(f"code {code.name!r} ({key}) was changed by someone else; reload and try again")
        for field, value in fields.items():
            value = (value or "").strip() or None
            if getattr(code, field) != value:
                setattr(code, field, value)
        try:
            session.flush()
        except StaleDataError:
            raise ConflictError(f"code {code.name!r} ({key}) was changed by someone else; reload and try again") from None
        return next(c for c in list_codes(session) if c.key == key)


# --- moving boundaries -----------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def next_word(text: str, position: int, direction: int, edge: str = "start") -> int:
    """The nearest word start (or end, ``edge="end"``) strictly after (direction +1) or before (-1) ``position``.

    The text's end or start when there is none.
    """
    side = 0 if edge == "start" else 1
    if direction > 0:
        return next((m.span()[side] for m in _WORD.finditer(text, position) if m.span()[side] > position), len(text))
    bounds = [m.span()[side] for m in _WORD.finditer(text, 0, position)]
    return next((b for b in reversed(bounds) if b < position), 0)


def move_boundary(text: str, span: tuple[int, int], which: str, step: int, by: str = "char") -> Span:
    """Shift the start or end of ``span`` by a character or to the next word start/end (``step`` ±1).

    The span stays non-empty and inside ``text``.
    """
    start, end = span
    position = start if which == "start" else end
    moved = position + step if by == "char" else next_word(text, position, step, which if which == "start" else "end")
    moved = max(0, min(len(text), moved))
    if which == "start":
        return Span(min(moved, end - 1), end)
    return Span(start, max(moved, start + 1))
