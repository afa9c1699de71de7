"""Lemma-aware search in a transcript: "frustrate" finds "frustrating", "frustrated"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache



@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str


@lru_cache(maxsize=16)
def _tokens(text: str, model: str | None = None) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, lowercase text, lemma) for every token of a text; cached per text."""
    from workbench.services.text.nlp import lemmas

    return tuple((s, e, text[s:e].lower(), lemma) for s, e, lemma in lemmas(text, model))


def search(text: str, query: str, model: str | None = None) -> list[Hit]:
    """Places in ``text`` matching ``query``: token sequences whose lemmas (or words) match the query's.

    A query that spaCy does not split into words (punctuation, a fragment)
    falls back to a case-insensitive substring search.
    """
    query = query.strip()
    if not query:
        return []
    from workbench.services.text.nlp import lemmas

    wanted = [(query[s:e].lower(), lemma) for s, e, lemma in lemmas(query, model)]
    if not wanted:
        return _substring(text, query)
    tokens = _tokens(text, model)
    hits: list[Hit] = []
    n = len(wanted)
    for i in range(len(tokens) - n + 1):
        if all(tokens[i + k][2] == wanted[k][0] or tokens[i + k][3] == wanted[k][1] for k in range(n)):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            hits.append(Hit(start, end, text[start:end]))
    if not hits:
        return _substring(text, query)
    return hits


def _substring(text: str, query: str) -> list[Hit]:
    lowered, needle = text.lower(), query.lower()
    hits, position = [], lowered.find(needle)
    while position >= 0:
        hits.append(Hit(position, position + len(query), text[position : position + len(query)]))
        position = lowered.find(needle, position + 1)
    return hits

