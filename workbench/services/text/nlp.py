"""spaCy, offline: sentence segments and lemmas, in the source's language.

For each language (:mod:`workbench.domain.languages`) a trained pipeline is
used when one is installed (``da_core_news_sm`` for Danish, ...; or the one
named in ``$WORKBENCH_SPACY_MODEL`` when it is for that language). Otherwise a
blank pipeline of the language with the rule-based ``sentencizer``, and lemmas
from the lookup table spacy-lookups-data has for the language — what spaCy's
lemmatizer does in ``mode="lookup"``, but read as a plain dictionary, once, and
only when lemmas are asked for (search, suggestions; never for an import):
building spaCy's own table takes 3–10 s for the larger languages, reading the
dictionary under 2 s. Languages without a usable table (Norwegian Bokmål,
Finnish) take their lemmas from simplemma. Nothing is downloaded. Each pipeline
and table is loaded once per process.

Segments never end inside or right after one of the language's abbreviations
(:func:`workbench.domain.languages.fix_abbreviation_splits`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.domain.languages import DEFAULT_LANGUAGE, check_language, fix_abbreviation_splits
from workbench.domain.languages import language as language_of
from workbench.domain.spans import strip_span
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_ENV = "WORKBENCH_SPACY_MODEL"
BATCH_SIZE = 256
MAX_PIECE = 100_000  # characters handed to spaCy at once (its own limit is 1,000,000)


def load_pipeline(language: str = DEFAULT_LANGUAGE, model: str | None = None) -> Language:
    """The pipeline for a language: ``model`` if given, else a trained one installed for it, else a blank one."""
    code = check_language(language)
    return _load(code, model if model is not None else pipeline_name(code))


def pipeline_name(language: str) -> str:
    """The trained pipeline used for ``language`` ("" for the built-in blank one)."""
    import spacy

    named = os.environ.get(MODEL_ENV, "").strip()
    if named:
        if not spacy.util.is_package(named):
            raise WorkbenchError(
                f"spaCy pipeline {named!r} is not installed; install it or unset {MODEL_ENV} to use the built-in one"
            )
        if _package_language(named) == language:
            return named
    return next((name for name in language_of(language).trained if spacy.util.is_package(name)), "")


@lru_cache(maxsize=16)
def _package_language(name: str) -> str | None:
    import spacy

    try:
        meta = spacy.info(name)
    except Exception:  # noqa: BLE001 - a broken package: not for any language
        return None
    return meta.get("lang") if isinstance(meta, dict) else None


@lru_cache(maxsize=4)
def _load(language: str, name: str) -> Language:
    import spacy

    if name:
        if not spacy.util.is_package(name):
            raise WorkbenchError(f"spaCy pipeline {name!r} is not installed")
        return spacy.load(name, exclude=["ner", "textcat", "parser"] if _has_senter(name) else ["ner", "textcat"])
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def _has_senter(name: str) -> bool:
    import spacy

    meta = spacy.info(name) or {}
    components = meta.get("components", []) if isinstance(meta, dict) else []
    return "senter" in components


def segment_text(
    text: str, pieces: list[tuple[int, int]], model: str | None = None, language: str = DEFAULT_LANGUAGE
) -> list[tuple[int, int]]:
    """Sentence spans, as offsets into ``text``, of the given non-overlapping pieces of it.

    This is the import's hot path: it avoids per-token Python objects and
    ``Doc.text`` (which rebuilds the string on each access).
    """
    nlp = load_pipeline(language, model)
    keep = {"sentencizer", "senter", "parser", "tok2vec"}
    if "senter" in nlp.pipe_names or "sentencizer" in nlp.pipe_names:
        keep.discard("parser")
    disable = [name for name in nlp.pipe_names if name not in keep]
    result: list[tuple[int, int]] = []
    inputs = ((text[start:end], start) for start, end in _chunked(text, pieces))
    for doc, offset in nlp.pipe(inputs, batch_size=BATCH_SIZE, disable=disable, as_tuples=True):
        spans: list[tuple[int, int]] = []
        for sent in doc.sents:
            start, end = offset + sent.start_char, offset + sent.end_char
            if start < end and (text[start].isspace() or text[end - 1].isspace()):
                start, end = strip_span(text, start, end)
            if start < end:
                spans.append((start, end))
        result.extend(fix_abbreviation_splits(text, spans, language))
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


def lemmas(text: str, language: str = DEFAULT_LANGUAGE, model: str | None = None) -> list[tuple[int, int, str]]:
    """Tokens of ``text`` as ``(start, end, lowercased lemma)``, in ``language``.

    A trained pipeline gives its own lemmas. Otherwise each word is looked up
    as written, in lower case and capitalised (the tables are case-sensitive:
    English has "clients" but not "Clients", German "Sitzungen" but not
    "sitzungen"); a word the table does not know is its own lemma.
    """
    nlp = load_pipeline(language, model)
    if not _is_blank(nlp):
        doc = nlp(text)
        return [(t.idx, t.idx + len(t.text), (t.lemma_ or t.text).lower()) for t in doc if not t.is_space]
    lemma = _lemmatiser(nlp.lang)
    return [(t.idx, t.idx + len(t.text), lemma(t.text)) for t in nlp.make_doc(text) if not t.is_space]


def _is_blank(nlp: Language) -> bool:
    return set(nlp.pipe_names) <= {"sentencizer"}


def _lookup_table(language: str) -> dict[str, str | list[str]]:
    """spacy-lookups-data's ``lemma_lookup`` table of a language, as a dictionary."""
    import srsly

    try:
        import spacy_lookups_data

        path = Path(str(getattr(spacy_lookups_data, language)["lemma_lookup"]))
        gzipped = path.with_name(path.name + ".gz")
        return srsly.read_gzip_json(gzipped) if gzipped.exists() else srsly.read_json(path)
    except (ImportError, AttributeError, KeyError, OSError, ValueError) as error:
        raise WorkbenchError(f"the {language!r} lemma table of spacy-lookups-data cannot be read ({error}); reinstall it") from None


@lru_cache(maxsize=16)
def _lemmatiser(language: str) -> Callable[[str], str]:
    """word → lowercased lemma for a blank pipeline's language (cached per word)."""
    how = language_of(language).lemmas
    if how == "lookup":
        table = _lookup_table(language)

        def look_up(word: str) -> str | None:
            for variant in dict.fromkeys((word, word.lower(), word[:1].upper() + word[1:].lower())):
                value = table.get(variant)
                if value:
                    return str(value[0] if isinstance(value, list) else value)
            return None
    elif how == "simplemma":
        try:
            import simplemma
        except ImportError:  # pragma: no cover - a dependency; reinstalling brings it back
            raise WorkbenchError("simplemma is missing; reinstall the workbench (pip install simplemma)") from None

        def look_up(word: str) -> str | None:
            return simplemma.lemmatize(word, lang=language) if any(c.isalpha() for c in word) else None
    else:

        def look_up(word: str) -> str | None:
            return None

    @lru_cache(maxsize=200_000)
    def lemma(word: str) -> str:
        return (look_up(word) or word).lower()

    return lemma
