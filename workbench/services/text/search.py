"""Lemma-aware search in a transcript, in its language: "frustrate" finds "frustrating",
Danish "tillid" finds "tilliden".

One rule decides whether a word of the text matches a word of the query (or
of a codebook keyword — suggestions use the same rule): they match when they
share a form or a lemma, in lower case. So a query matches its inflections
(same lemma) and also the word whose lemma it is, which keeps a keyword
working where a lookup table lemmatises the keyword itself oddly (Swedish
"förtroende" → "förtro", while "förtroendet" → "förtroende").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from workbench.domain.languages import DEFAULT_LANGUAGE

Token = tuple[int, int, str, str]  # start, end, lowercased form, lemma


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str


def tokens(text: str, language: str = DEFAULT_LANGUAGE, model: str | None = None) -> tuple[Token, ...]:
    """(start, end, lowercase form, lemma) for every token of a text."""
    from workbench.services.text.nlp import lemmas

    return tuple((s, e, text[s:e].lower(), lemma) for s, e, lemma in lemmas(text, language, model))


_cached_tokens = lru_cache(maxsize=16)(tokens)


def words_match(token: Token, wanted: Token) -> bool:
    """The matching rule: a shared lowercase form or lemma."""
    return token[2] == wanted[2] or token[3] == wanted[3] or token[2] == wanted[3] or token[3] == wanted[2]


K = TypeVar("K")  # what a phrase stands for (a code id; nothing for a query)


class PhraseIndex(Generic[K]):
    """Phrases (a query, codebook keywords) to find in token sequences, indexed by their first word."""

    def __init__(self) -> None:
        self._first: dict[str, list[tuple[K, tuple[Token, ...]]]] = {}

    def add(self, key: K, phrase: Sequence[Token]) -> None:
        if phrase:
            entry = (key, tuple(phrase))
            for word in {phrase[0][2], phrase[0][3]}:
                self._first.setdefault(word, []).append(entry)

    def __bool__(self) -> bool:
        return bool(self._first)

    def find(self, found: Sequence[Token]) -> Iterable[tuple[K, int, int]]:
        """(key, start, end) of every phrase occurrence in ``found`` (character offsets)."""
        for i, token in enumerate(found):
            seen: set[int] = set()
            for word in (token[2], token[3]):
                for entry in self._first.get(word, ()):
                    key, phrase = entry
                    if id(entry) in seen or i + len(phrase) > len(found):
                        continue
                    seen.add(id(entry))
                    if all(words_match(found[i + k], phrase[k]) for k in range(len(phrase))):
                        yield key, token[0], found[i + len(phrase) - 1][1]


def search(text: str, query: str, language: str = DEFAULT_LANGUAGE, model: str | None = None) -> list[Hit]:
    """Places in ``text`` matching ``query``: token sequences whose words match the query's (see :func:`words_match`).

    A query that spaCy does not split into words (punctuation, a fragment)
    falls back to a case-insensitive substring search.
    """
    query = query.strip()
    if not query:
        return []
    index = PhraseIndex[None]()
    index.add(None, tokens(query, language, model))
    if not index:
        return _substring(text, query)
    hits = [Hit(start, end, text[start:end]) for _, start, end in index.find(_cached_tokens(text, language, model))]
    return hits or _substring(text, query)


def _substring(text: str, query: str) -> list[Hit]:
    lowered, needle = text.lower(), query.lower()
    hits, position = [], lowered.find(needle)
    while position >= 0:
        hits.append(Hit(position, position + len(query), text[position : position + len(query)]))
        position = lowered.find(needle, position + 1)
    return hits

