"""How far the reviews into a consensus layer have got, for the exports that count that layer.

A consensus layer is finished when every disagreement of every pair of
coders reviewed into it is resolved. The pairs are those whose review was
started (recorded by :func:`~workbench.services.agreement.review.start_review`)
or who have adjudications in the layer. Exports of the layer (themes,
tables, segments, agreement, REFI-QDA) print :func:`consensus_warning` and
put it in their document's note when it is not finished. Reading only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.services.agreement.disagreements import find_disagreements, recorded_reviews, review_coders
from workbench.store.engine import Project
from workbench.store.models import Adjudication, Coder


@dataclass(frozen=True)
class PairProgress:
    first: str
    second: str
    resolved: int
    total: int


def consensus_progress(session: Session, consensus: str) -> list[PairProgress]:
    """Per pair of coders reviewed into ``consensus``: resolved and total disagreements."""
    pairs: list[tuple[str, str]] = [(a, b) for a, b in recorded_reviews(session).get(consensus, [])]
    layer = session.scalar(select(Coder.id).where(Coder.name == consensus))
    if layer is not None:
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        for first_id, second_id in session.execute(
            select(Adjudication.first_coder_id, Adjudication.second_coder_id)
            .where(Adjudication.consensus_coder_id == layer).distinct()
        ):
            if not any({names[first_id], names[second_id]} == set(p) for p in pairs):
                pairs.append((names[first_id], names[second_id]))
    result = []
    for first, second in pairs:
        try:
            who = review_coders(session, first, second, consensus, create=False)
        except WorkbenchError:  # a coder gone: nothing to report for that pair
            continue
        disagreements, _ = find_disagreements(session, who)
        result.append(PairProgress(first, second, sum(1 for d in disagreements if d.resolved), len(disagreements)))
    return result


def consensus_warning(session: Session, consensus: str) -> str | None:
    """One line such as ``consensus of ana and ben: 6 of 116 disagreements resolved``, or None when finished."""
    open_pairs = [p for p in consensus_progress(session, consensus) if p.resolved < p.total]
    if not open_pairs:
        return None
    pair = {id(p): " and ".join(sorted((p.first, p.second))) for p in open_pairs}  # an unordered pair, as the note names it
    parts = [f"{p.resolved} of {p.total} disagreements of {pair[id(p)]}" for p in open_pairs]
    if len(open_pairs) == 1:
        p = open_pairs[0]
        return f"consensus of {pair[id(p)]}: {p.resolved} of {p.total} disagreements resolved"
    return f"consensus layer {consensus!r} unfinished: {'; '.join(parts)} resolved"


def consensus_warnings(session: Session, layers: Iterable[str] | None = None) -> list[str]:
    """:func:`consensus_warning` of every consensus layer (of those named in ``layers``) that is not finished."""
    names = set(recorded_reviews(session))
    names |= set(session.scalars(
        select(Coder.name).join(Adjudication, Adjudication.consensus_coder_id == Coder.id).distinct()
    ))  # fmt: skip
    wanted = names if layers is None else names & set(layers)
    return [line for name in sorted(wanted) if (line := consensus_warning(session, name))]


def unfinished_consensus(project: Project, layers: Iterable[str] | None = None) -> list[str]:
    """The warnings for an export of ``layers`` (every layer: None), one transaction."""
    with project.session() as session:
        return consensus_warnings(session, layers)
