"""spaCy, offline: sentence segments and lemmas.

By default a blank English pipeline with the rule-based ``sentencizer`` and
the lookup lemmatizer, whose tables come from the installed
``spacy-lookups-data`` package — nothing is downloaded. When a trained
pipeline is installed and named in ``$WORKBENCH_SPACY_MODEL`` (e.g.
``en_core_web_sm``), it is used instead. The pipeline is loaded once per
process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.domain.spans import strip_span
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_ENV = "WORKBENCH_SPACY_MODEL"
BATCH_SIZE = 256
MAX_PIECE = 100_000  # characters handed to spaCy at once (its own limit is 1,000,000)


def load_pipeline(model: str | None = None) -> Language:
    """The configured pipeline: a trained one if named and installed, else blank English."""
    return _load(model if model is not None else os.environ.get(MODEL_ENV, "").strip())


@lru_cache(maxsize=2)
def _load(name: str) -> Language:
    import spacy

    if name:
        if not spacy.util.is_package(name):
            raise WorkbenchError(
                f"spaCy pipeline {name!r} is not installed; install it or unset {MODEL_ENV} to use the built-in one"
            )
        return spacy.load(name, exclude=["ner", "textcat", "parser"] if _has_senter(name) else ["ner", "textcat"])
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except (OSError, ValueError) as error:
        raise WorkbenchError(f"spaCy lookup tables are missing ({error}); reinstall spacy-lookups-data") from None
    return nlp


def _has_senter(name: str) -> bool:
    import spacy

    meta = spacy.info(name) or {}
    components = meta.get("components", []) if isinstance(meta, dict) else []
    return "senter" in components


def segment_text(text: str, pieces: list[tuple[int, int]], model: str | None = None) -> list[tuple[int, int]]:
    """Sentence spans, as offsets into ``text``, of the given non-overlapping pieces of it.

    This is the import's hot path: it avoids per-token Python objects and
    ``Doc.text`` (which rebuilds the string on each access).
    """
    nlp = load_pipeline(model)
    keep = {"sentencizer", "senter", "parser", "tok2vec"}
    if "senter" in nlp.pipe_names or "sentencizer" in nlp.pipe_names:
        keep.discard("parser")
    disable = [name for name in nlp.pipe_names if name not in keep]
    result: list[tuple[int, int]] = []
    inputs = ((text[start:end], start) for start, end in _chunked(text, pieces))
    for doc, offset in nlp.pipe(inputs, batch_size=BATCH_SIZE, disable=disable, as_tuples=True):
        for sent in doc.sents:
            start, end = offset + sent.start_char, offset + sent.end_char
            if start < end and (text[start].isspace() or text[end - 1].isspace()):
                start, end = strip_span(text, start, end)
            if start < end:
                result.append((start, end))
    return result


def _chunked(text: str, pieces: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Cut pieces longer than :data:`MAX_PIECE` (a transcript on one huge line) at a sentence
    end or space, so spaCy's length limit is never hit and memory stays bounded."""
    for start, end in pieces:
        while end - start > MAX_PIECE:
            window = text[start + MAX_PIECE // 2 : start + MAX_PIECE]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            if cut < 0:
                cut = window.rfind(" ")
            cut = start + MAX_PIECE // 2 + cut + 1 if cut >= 0 else start + MAX_PIECE
            yield start, cut
            start = cut
        yield start, end


def lemmas(text: str, model: str | None = None) -> list[tuple[int, int, str]]:
    """Tokens of ``text`` as ``(start, end, lowercased lemma)``.

    The lookup tables are case-sensitive ("Clients" is not in them), so the
    text is lemmatised in lower case when that keeps every offset in place.
    """
    nlp = load_pipeline(model)
    lowered = text.lower()
    doc = nlp(lowered if len(lowered) == len(text) else text)
    return [(t.idx, t.idx + len(t.text), (t.lemma_ or t.text).lower()) for t in doc if not t.is_space]
