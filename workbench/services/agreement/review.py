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
Finding the disagreements is :mod:`workbench.services.agreement.disagreements`; moving a
boundary while editing is :func:`workbench.domain.spans.move_boundary`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.spans import Span, check_span, merge, subtract
from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.services.agreement.disagreements import (
    DECISIONS,
    Disagreement,
    ReviewCoders,
    ReviewState,
    consensus_spans,
    current_disagreement,
    find_disagreements,
    record_review,
    review_coders,
    swap_decision,
)
from workbench.services.codebook.codes import CodeInfo, list_codes
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Adjudication, Code, Coding, Source

REFINABLE = ("definition", "when_to_use", "when_not_to_use")


@dataclass(frozen=True)
class Undone:
    """A decision taken back: enough to show it and to redo it (with its note)."""

    source: str
    code: str
    start: int
    end: int
    decision: str
    result: tuple[Span, ...] = ()
    note: str | None = None


# --- the session ---------------------------------------------------------------------------------


def start_review(project: Project, first: str, second: str, consensus: str = CONSENSUS_CODER, *, actor: str | None = None) -> ReviewState:
    """Copy agreed regions into the consensus layer (once) and list every disagreement, decided or not."""
    with project.session(actor=actor, note=f"agreed regions of {first} and {second}") as session:
        who = review_coders(session, first, second, consensus, create=True)
        if actor:
            get_or_create_coder(session, actor)  # named in the audit trail
        disagreements, agreed = find_disagreements(session, who)
        if not disagreements and not agreed:
            raise WorkbenchError(f"no source was coded by both {first} and {second}; nothing to review")
        record_review(session, who)
        seeded = 0
        for source_id, code_id, region in agreed:
            if subtract([region], consensus_spans(session, who, source_id, code_id)):
                session.add(Coding(source_id=source_id, code_id=code_id, coder_id=who.consensus.id,
                                   start=region.start, end=region.end, memo=f"agreed by {first} and {second}"))  # fmt: skip
                seeded += 1
        session.flush()
        return ReviewState(first, second, consensus, tuple(disagreements), len(agreed), seeded)


def list_disagreements(project: Project, first: str, second: str, consensus: str = CONSENSUS_CODER) -> ReviewState:
    """The disagreements and their status, writing nothing (``review --status``).

    ``ReviewState.seeded`` is then the number of agreed regions the consensus
    layer already holds (copied when the review was started).
    """
    with project.session() as session:
        who = review_coders(session, first, second, consensus, create=False)
        disagreements, agreed = find_disagreements(session, who)
        held = sum(1 for source_id, code_id, region in agreed
                   if not subtract([region], consensus_spans(session, who, source_id, code_id)))  # fmt: skip
        if not disagreements and not agreed:
            raise WorkbenchError(f"no source was coded by both {first} and {second}; nothing to review")
        return ReviewState(first, second, consensus, tuple(disagreements), len(agreed), held)


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
        who = review_coders(session, first, second, consensus, create=True)
        decided_by = get_or_create_coder(session, actor) if actor else None
        current = current_disagreement(session, who, disagreement)
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
            _remove(session, who, session.get_one(Adjudication, current.adjudication_id))
        memo = f"adjudicated ({decision})" + (f": {note}" if note else "")
        for span in result:
            session.add(Coding(source_id=current.source_id, code_id=current.code_id, coder_id=who.consensus.id,
                               start=span.start, end=span.end, memo=memo))  # fmt: skip
        stored_first, stored_second = who.stored()  # one session per unordered pair: stored one way round
        row = Adjudication(
            source_id=current.source_id, code_id=current.code_id, first_coder_id=stored_first,
            second_coder_id=stored_second, consensus_coder_id=who.consensus.id, start=current.start,
            end=current.end, decision=swap_decision(decision) if who.swapped else decision,
            result=[list(s) for s in result], note=note, decided_by_id=decided_by.id if decided_by else None,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return dataclasses.replace(current, decision=decision, result=result, note=note, adjudication_id=row.id)


def _remove(session: Session, who: ReviewCoders, adjudication: Adjudication) -> None:
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


def undo_last(project: Project, first: str, second: str, consensus: str = CONSENSUS_CODER, *, actor: str | None = None) -> Undone | None:
    """Take back the latest decision of this review (its consensus codings go too); None when there is none."""
    with project.session(actor=actor, note="undo adjudication") as session:
        who = review_coders(session, first, second, consensus, create=False)
        latest = session.scalar(select(Adjudication).where(who.pair()).order_by(Adjudication.id.desc()).limit(1))
        if latest is None:
            return None
        source = session.get_one(Source, latest.source_id)
        code = session.get_one(Code, latest.code_id)
        undone = Undone(source.name, code.key, latest.start, latest.end, who.as_asked(latest),
                        tuple(Span(s, e) for s, e in latest.result), latest.note)
        _remove(session, who, latest)
        return undone


def redo(project: Project, first: str, second: str, consensus: str, undone: Undone, *, actor: str | None = None) -> Disagreement:
    """Decide again what :func:`undo_last` took back: the same decision, spans and note."""
    state = list_disagreements(project, first, second, consensus)
    wanted = next((d for d in state.disagreements if (d.source, d.code, d.start, d.end) ==
                   (undone.source, undone.code, undone.start, undone.end)), None)  # fmt: skip
    if wanted is None:
        raise ConflictError(f"the codings of {undone.code} in {undone.source} at {undone.start}-{undone.end} changed; "
                            "nothing to redo")  # fmt: skip
    spans = [(s.start, s.end) for s in undone.result] if undone.decision == "edited" else None
    return adjudicate(project, state, wanted, undone.decision, spans=spans, note=undone.note, actor=actor)


@dataclass(frozen=True)
class Decided:
    """What ``review --decide`` resolved."""

    state: ReviewState  # after the decisions
    decided: tuple[Disagreement, ...]


def decide_open(
    project: Project, first: str, second: str, consensus: str, decision: str, *, codes: Iterable[str] = (),
    boundary_only: bool = False, note: str | None = None, actor: str | None = None,
) -> Decided:  # fmt: skip
    """Resolve every open disagreement of ``codes`` (all when none) by one rule, as the Review screen would.

    Starts the review (agreed regions are copied, once), then adjudicates each
    chosen disagreement with :func:`adjudicate`, so each decision is recorded,
    audited and can be undone on the Review screen. ``boundary_only`` takes
    only disagreements where both coders coded overlapping spans that differ
    in their boundaries (:attr:`Disagreement.boundary_only`).
    """
    if decision not in DECISIONS or decision == "edited":
        raise WorkbenchError(f"--decide must be one of {', '.join(DECISIONS[:-1])}, not {decision!r}")
    keys = list(dict.fromkeys(codes))
    with project.session() as session:
        known = set(session.scalars(select(Code.key).where(Code.key.in_(keys)))) if keys else set()
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise NotFoundError(f"no code {', '.join(map(repr, unknown))}; see 'workbench codebook show'")
    state = start_review(project, first, second, consensus, actor=actor)
    chosen = [d for d in state.disagreements
              if not d.resolved and (not keys or d.code in known) and (d.boundary_only or not boundary_only)]  # fmt: skip
    decided = tuple(adjudicate(project, state, d, decision, note=note, actor=actor) for d in chosen)
    return Decided(list_disagreements(project, first, second, consensus), decided)


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

