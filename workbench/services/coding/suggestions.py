"""Code suggestions from the codebook's keywords, matched on lemmas with spaCy.

A code's keywords (words, lemmas or phrases) are lemmatised with the same
pipeline as the text and matched with a ``PhraseMatcher`` on ``LEMMA``. Each
match suggests the code for the sentence segment that holds it. Suggestions
are stored per coder; they are never codings until accepted, and a rejected
suggestion does not come back when suggestions are computed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select

from workbench.domain.spans import overlaps
from workbench.errors import WorkbenchError
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Coding, Segment, Source, Suggestion


@dataclass(frozen=True)
class SuggestionView:
    id: int
    source_id: int
    code_key: str
    code_name: str
    colour: str | None
    start: int
    end: int
    matched: str


def compute_suggestions(
    project: Project,
    coder: str,
    source_names: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Refresh the coder's pending suggestions for the given sources (all when None); returns how many are pending."""
    from spacy.matcher import PhraseMatcher

    from workbench.services.text.nlp import load_pipeline

    nlp = load_pipeline()
    with project.session() as session:
        codes = session.execute(select(Code.id, Code.keywords).where(Code.codable.is_(True))).all()
        sources = session.execute(
            select(Source.id, Source.name).where(Source.name.in_(source_names)) if source_names else select(Source.id, Source.name)
        ).all()
        if source_names and len(sources) != len(set(source_names)):
            missing = set(source_names) - {name for _, name in sources}
            raise WorkbenchError(f"no source {sorted(missing)[0]!r}")
        coder_id = get_or_create_coder(session, coder).id
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for code_id, keywords in codes:
        patterns = list(nlp.pipe([k.strip().lower() for k in (keywords or []) if k.strip()]))
        if patterns:
            matcher.add(str(code_id), patterns)
    total = 0
    for done, (source_id, _) in enumerate(sources, start=1):
        total += _suggest_source(project, nlp, matcher, source_id, coder_id)
        if progress is not None:
            progress(done, len(sources))
    return total


def _suggest_source(project: Project, nlp, matcher, source_id: int, coder_id: int) -> int:  # type: ignore[no-untyped-def]
    with project.session() as session:
        text = session.scalar(select(Source.text).where(Source.id == source_id)) or ""
        segments = session.execute(
            select(Segment.start, Segment.end).where(Segment.source_id == source_id).order_by(Segment.start)
        ).all()
    found: dict[tuple[int, int, int], str] = {}
    for seg_start, seg_end in segments:
        segment = text[seg_start:seg_end]
        lowered = segment.lower()  # the lookup tables are case-sensitive
        doc = nlp(lowered if len(lowered) == len(segment) else segment)
        for match_id, token_start, token_end in matcher(doc):
            code_id = int(nlp.vocab.strings[match_id])
            span = doc[token_start:token_end]
            found.setdefault((code_id, seg_start, seg_end), segment[span.start_char : span.end_char])
    with project.session() as session:
        decided = set(
            session.execute(
                select(Suggestion.code_id, Suggestion.start, Suggestion.end).where(
                    Suggestion.source_id == source_id, Suggestion.coder_id == coder_id, Suggestion.status != "pending"
                )
            ).all()
        )
        coded: dict[int, list[tuple[int, int]]] = {}
        for code_id, start, end in session.execute(
            select(Coding.code_id, Coding.start, Coding.end).where(Coding.source_id == source_id, Coding.coder_id == coder_id)
        ):
            coded.setdefault(code_id, []).append((start, end))
        session.execute(
            delete(Suggestion).where(
                Suggestion.source_id == source_id, Suggestion.coder_id == coder_id, Suggestion.status == "pending"
            )
        )
        rows = [
            {"source_id": source_id, "code_id": code_id, "coder_id": coder_id, "start": start, "end": end,
             "matched": matched, "status": "pending"}
            for (code_id, start, end), matched in sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
            if (code_id, start, end) not in decided
            and not any(overlaps((start, end), span) for span in coded.get(code_id, []))
        ]
        if rows:
            session.execute(Suggestion.__table__.insert(), rows)
    return len(rows)


def pending_suggestions(project: Project, coder: str, source_id: int) -> list[SuggestionView]:
    with project.session() as session:
        coder_id = get_or_create_coder(session, coder).id
        rows = session.execute(
            select(Suggestion, Code.key, Code.name, Code.colour)
            .join(Code, Code.id == Suggestion.code_id)
            .where(Suggestion.source_id == source_id, Suggestion.status == "pending", Suggestion.coder_id == coder_id)
            .order_by(Suggestion.start, Code.key)
        ).all()
        return [SuggestionView(s.id, s.source_id, key, name, colour, s.start, s.end, s.matched) for s, key, name, colour in rows]


def decide(project: Project, suggestion_id: int, status: str) -> SuggestionView:
    """Mark a suggestion accepted or rejected (the caller creates the coding for an accepted one)."""
    if status not in ("accepted", "rejected", "pending"):
        raise WorkbenchError(f"unknown suggestion status {status!r}")
    with project.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None:
            raise WorkbenchError("that suggestion no longer exists")
        suggestion.status = status
        code = session.get(Code, suggestion.code_id)
        assert code is not None
        return SuggestionView(suggestion.id, suggestion.source_id, code.key, code.name, code.colour,
                              suggestion.start, suggestion.end, suggestion.matched)
