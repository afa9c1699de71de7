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
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.domain.spans import Span
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_ENV = "WORKBENCH_SPACY_MODEL"
BATCH_SIZE = 256


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


def sentence_spans(texts: Iterable[str], model: str | None = None) -> Iterator[list[Span]]:
    """For each text, the spans of its sentences (white space trimmed), relative to that text."""
    import numpy
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    nlp = load_pipeline(model)
    keep = {"sentencizer", "senter", "parser", "tok2vec", "tagger", "attribute_ruler"}
    disable = [name for name in nlp.pipe_names if name not in keep or name in ("tagger", "attribute_ruler")]
    if "parser" in nlp.pipe_names and "senter" not in nlp.pipe_names:
        disable = [name for name in nlp.pipe_names if name not in ("tok2vec", "parser")]
    for doc in nlp.pipe(texts, batch_size=BATCH_SIZE, disable=disable):
        # Read sentence boundaries from arrays rather than iterating Span objects:
        # the per-token Python objects cost more than the sentencizer itself.
        array = doc.to_array([IDX, LENGTH, SENT_START, IS_SPACE])
        words = array[array[:, 3] == 0]
        if not len(words):
            yield []
            continue
        starts = numpy.flatnonzero(words[:, 2] == 1)
        if not len(starts) or starts[0] != 0:
            starts = numpy.concatenate(([0], starts))
        ends = numpy.concatenate((starts[1:], [len(words)])) - 1
        begin = words[starts, 0]
        finish = words[ends, 0] + words[ends, 1]
        yield [Span(int(a), int(b)) for a, b in zip(begin, finish) if b > a]


def lemmas(text: str, model: str | None = None) -> list[tuple[int, int, str]]:
    """Tokens of ``text`` as ``(start, end, lowercased lemma)``.

    The lookup tables are case-sensitive ("Clients" is not in them), so the
    text is lemmatised in lower case when that keeps every offset in place.
    """
    nlp = load_pipeline(model)
    lowered = text.lower()
    doc = nlp(lowered if len(lowered) == len(text) else text)
    return [(t.idx, t.idx + len(t.text), (t.lemma_ or t.text).lower()) for t in doc if not t.is_space]
