"""Finding the disagreements of two coders, for the review (:mod:`workbench.services.agreement.review`).

A **disagreement** is a maximal region of one source where the two coders'
character sets for one code differ: each connected stretch of the union of
both coders' codings of the code (overlapping or touching codings joined), in
which the two coders did not code exactly the same characters. Stretches both
coded identically are **agreed regions**. Each disagreement comes with its
pieces (both, first only, second only), context, speaker, the coders' memos,
and the decision stored for it so far, if any.

Only sources both coders coded are reviewed (the double-coded subset). These
functions work inside the caller's session and only read, except that
:func:`review_coders` with ``create=True`` adds the consensus coder.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from workbench.domain.spans import Span, intersect_all, merge, overlaps, subtract
from workbench.domain.vocabulary import Decision, values
from workbench.errors import ConflictError, WorkbenchError
from workbench.services.project.coders import check_coder_name, get_or_create_coder, require_coder
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Adjudication, Code, Coder, Coding, Setting, Source, Turn

DECISIONS = values(Decision)
CONTEXT_CHARS = 240


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
    def boundary_only(self) -> bool:
        """Both coders coded here and each coding overlaps one of the other coder's: only the boundaries differ."""
        if not self.first_spans or not self.second_spans:
            return False
        return all(any(overlaps(a, b) for b in self.second_spans) for a in self.first_spans) and all(
            any(overlaps(b, a) for a in self.first_spans) for b in self.second_spans
        )

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


# --- the two coders and the consensus layer ---------------------------------------------------


@dataclass
class ReviewCoders:
    """The two coders compared, in the order asked for, and the consensus layer's coder.

    A review is of an unordered pair: ``ana ben`` and ``ben ana`` are one
    session writing one consensus layer. ``swapped`` says that the session's
    stored adjudications name the coders the other way round (it was started
    as ``ben ana``); decisions are translated on the way in and out, so
    "first" always means the first coder as asked for.
    """

    first: Coder
    second: Coder
    consensus: Coder
    swapped: bool = False

    def pair(self) -> ColumnElement[bool]:
        """The where clause of this pair's adjudications into this layer, stored either way round."""
        a, b = self.first.id, self.second.id
        return and_(
            Adjudication.consensus_coder_id == self.consensus.id,
            or_(and_(Adjudication.first_coder_id == a, Adjudication.second_coder_id == b),
                and_(Adjudication.first_coder_id == b, Adjudication.second_coder_id == a)),
        )  # fmt: skip

    def stored(self) -> tuple[int, int]:
        """(first, second) coder ids as the session stores them."""
        return (self.second.id, self.first.id) if self.swapped else (self.first.id, self.second.id)

    def as_asked(self, adjudication: Adjudication) -> str:
        """The adjudication's decision with first and second as this review names them."""
        return swap_decision(adjudication.decision) if adjudication.first_coder_id != self.first.id else adjudication.decision


def swap_decision(decision: str) -> str:
    return {"first": "second", "second": "first"}.get(decision, decision)


def review_coders(session: Session, first: str, second: str, consensus: str, create: bool) -> ReviewCoders:
    if first == second:
        raise WorkbenchError(f"review compares two different coders, not {first!r} with itself")
    consensus = check_coder_name(consensus)
    if consensus in (first, second):
        raise WorkbenchError(f"the consensus layer needs its own coder name, not {consensus!r}; e.g. 'consensus'")
    a, b = require_coder(session, first), require_coder(session, second)
    if create:
        layer = get_or_create_coder(session, consensus)
    else:
        found = session.scalar(select(Coder).where(Coder.name == consensus))
        layer = found if found is not None else Coder(id=-1, name=consensus)  # no layer yet: nothing decided
    who = ReviewCoders(a, b, layer)
    earliest = session.scalar(select(Adjudication.first_coder_id).where(who.pair()).order_by(Adjudication.id).limit(1))
    recorded = [pair for pair in recorded_reviews(session).get(consensus, []) if set(pair) == {first, second}]
    who.swapped = earliest == b.id if earliest is not None else bool(recorded) and tuple(recorded[0]) == (second, first)
    return who


REVIEWS_SETTING = "reviews"


def recorded_reviews(session: Session) -> dict[str, list[list[str]]]:
    """Consensus layer → the pairs of coders reviewed into it, in the order each session was started."""
    setting = session.get(Setting, REVIEWS_SETTING)
    if setting is None:
        return {}
    try:
        value = json.loads(setting.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def record_review(session: Session, who: ReviewCoders) -> None:
    """Remember that ``who`` are reviewed into their consensus layer (once per unordered pair)."""
    reviews = recorded_reviews(session)
    pairs = reviews.setdefault(who.consensus.name, [])
    if any(set(pair) == {who.first.name, who.second.name} for pair in pairs):
        return
    pairs.append([who.first.name, who.second.name])
    setting = session.get(Setting, REVIEWS_SETTING)
    if setting is None:
        session.add(Setting(key=REVIEWS_SETTING, value=json.dumps(reviews)))
    else:
        setting.value = json.dumps(reviews)


# --- regions and disagreements ----------------------------------------------------------------


# (source id, code id, agreed, region, first coder's spans in it, second's, memos as (side, memo))
_Region = tuple[int, int, bool, Span, list[Span], list[Span], list[tuple[int, str]]]


def _regions(session: Session, who: ReviewCoders, code_id: int | None = None,
             source_id: int | None = None) -> Iterator[_Region]:
    # code_id and source_id go together (re-reading one region) or not at all
    """Yield (source, code, agreed, region, first spans, second spans, memos) per stretch of the union."""
    query = select(Coding).where(Coding.coder_id.in_([who.first.id, who.second.id]))
    if code_id is not None:
        query = query.where(Coding.code_id == code_id)
    if source_id is not None:
        query = query.where(Coding.source_id == source_id)
    spans: dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = defaultdict(lambda: ([], []))
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


def find_disagreements(session: Session, who: ReviewCoders, code_id: int | None = None,
                       source_id: int | None = None) -> tuple[list[Disagreement], list[tuple[int, int, Span]]]:
    """(disagreements, agreed regions as (source_id, code_id, span))."""
    require_intact_codings(session)
    codes = {c.id: c for c in session.scalars(select(Code))}
    texts: dict[int, tuple[str, str]] = {}
    turns: dict[int, tuple[list[int], list[str | None]]] = {}
    decided = {
        (a.source_id, a.code_id, a.start, a.end): a
        for a in session.scalars(select(Adjudication).where(who.pair()).order_by(Adjudication.id))
    }
    found: list[Disagreement] = []
    agreed: list[tuple[int, int, Span]] = []
    for src, code_id_, same, region, first, second, memos in _regions(session, who, code_id, source_id):
        if same:
            agreed.append((src, code_id_, region))
            continue
        if src not in texts:
            source_name, source_text = session.execute(select(Source.name, Source.text).where(Source.id == src)).one()
            texts[src] = (source_name, source_text)
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
            who.as_asked(adjudication) if adjudication else None,
            tuple(Span(s, e) for s, e in adjudication.result) if adjudication else (),
            adjudication.note if adjudication else None, adjudication.id if adjudication else None,
        ))  # fmt: skip
    found.sort(key=lambda d: (d.code, d.source, d.start))
    return found, agreed


def consensus_spans(session: Session, who: ReviewCoders, source_id: int, code_id: int) -> list[Span]:
    rows = session.execute(
        select(Coding.start, Coding.end).where(
            Coding.coder_id == who.consensus.id, Coding.source_id == source_id, Coding.code_id == code_id
        )
    ).all()
    return merge(rows)


def current_disagreement(session: Session, who: ReviewCoders, wanted: Disagreement) -> Disagreement:
    """``wanted`` as it is now; ConflictError when the coders' codings changed it."""
    found, _ = find_disagreements(session, who, code_id=wanted.code_id, source_id=wanted.source_id)
    for d in found:
        if (d.start, d.end) == (wanted.start, wanted.end):
            return d
    raise ConflictError(
        f"the codings of {wanted.code_name!r} in {wanted.source} at {wanted.start}-{wanted.end} changed since the "
        "review was loaded; reload the review"
    )
