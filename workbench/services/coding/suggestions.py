"""Code suggestions from the codebook's keywords, matched on lemmas in each source's language.

A code's keywords (words, lemmas or phrases) are lemmatised in the source's
language, as the text is, and matched by the search's rule
(:func:`workbench.services.text.search.words_match`: a shared form or lemma),
so a Swedish keyword ``förtroende`` suggests on "förtroendet". Each match
suggests the code for the sentence segment that holds it. Suggestions
are stored per coder; they are never codings until accepted, and a rejected
suggestion does not come back when suggestions are computed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from workbench.domain.spans import overlaps
from workbench.domain.vocabulary import SuggestionStatus, values
from workbench.errors import WorkbenchError
from workbench.services.project.coders import get_or_create_coder
from workbench.services.text.search import PhraseIndex, tokens
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
    with project.session() as session:
        codes = session.execute(select(Code.id, Code.keywords).where(Code.codable.is_(True))).all()
        query = select(Source.id, Source.name, Source.language)
        sources = session.execute(query.where(Source.name.in_(source_names)) if source_names else query).all()
        if source_names and len(sources) != len(set(source_names)):
            missing = set(source_names) - {name for _, name, _ in sources}
            raise WorkbenchError(f"no source {sorted(missing)[0]!r}")
        coder_id = get_or_create_coder(session, coder).id
    indexes: dict[str, PhraseIndex[int]] = {}
    total = 0
    for done, (source_id, _, language) in enumerate(sources, start=1):
        if language not in indexes:
            indexes[language] = _keyword_index(codes, language)
        total += _suggest_source(project, indexes[language], language, source_id, coder_id)
        if progress is not None:
            progress(done, len(sources))
    return total


def _keyword_index(codes: Sequence[tuple[int, list[str] | None]], language: str) -> PhraseIndex[int]:
    """Every code's keywords, lemmatised in ``language``."""
    index = PhraseIndex[int]()
    for code_id, keywords in codes:
        for keyword in dict.fromkeys(k.strip() for k in (keywords or []) if k.strip()):
            index.add(code_id, tokens(keyword, language))
    return index


def _suggest_source(project: Project, index: PhraseIndex[int], language: str, source_id: int, coder_id: int) -> int:
    with project.session() as session:
        text = session.scalar(select(Source.text).where(Source.id == source_id)) or ""
        segments = session.execute(
            select(Segment.start, Segment.end).where(Segment.source_id == source_id).order_by(Segment.start)
        ).all()
    found: dict[tuple[int, int, int], str] = {}
    for seg_start, seg_end in segments if index else ():
        segment = text[seg_start:seg_end]
        for code_id, start, end in index.find(tokens(segment, language)):
            found.setdefault((code_id, seg_start, seg_end), segment[start:end])
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
    if status not in values(SuggestionStatus):
        raise WorkbenchError(f"unknown suggestion status {status!r}")
    with project.session() as session:
        suggestion = session.get(Suggestion, suggestion_id)
        if suggestion is None:
            raise WorkbenchError("that suggestion no longer exists")
        suggestion.status = SuggestionStatus(status)
        code = session.get(Code, suggestion.code_id)
        assert code is not None
        return SuggestionView(suggestion.id, suggestion.source_id, code.key, code.name, code.colour,
                              suggestion.start, suggestion.end, suggestion.matched)
