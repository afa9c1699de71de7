"""A trained spaCy pipeline the user has installed for a language is used for it (none is downloaded).

No trained pipeline ships with the test environment, so spaCy's "is it installed" and "load" are
stood in for: what is checked is which pipeline the workbench picks and that its lemmas are used.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from workbench.errors import WorkbenchError
from workbench.services.text import nlp


@pytest.fixture(autouse=True)
def fresh_caches():
    for cached in (nlp._load, nlp._lemmatiser, nlp._package_language):
        cached.cache_clear()
    yield
    for cached in (nlp._load, nlp._lemmatiser, nlp._package_language):
        cached.cache_clear()


@Language.component("test_upper_lemmas")
def _upper_lemmas(doc):  # type: ignore[no-untyped-def]
    for token in doc:
        token.lemma_ = f"trained-{token.text}"
    return doc


def install(monkeypatch, installed: dict[str, str]) -> list[str]:
    """Pretend the pipelines ``installed`` (name → language) are installed; returns the names loaded."""
    loaded: list[str] = []

    def load(name, exclude=()):  # type: ignore[no-untyped-def]
        loaded.append(name)
        fake = spacy.blank(installed[name])
        fake.add_pipe("sentencizer")
        fake.add_pipe("test_upper_lemmas")
        return fake

    monkeypatch.setattr(spacy.util, "is_package", lambda name: name in installed)
    monkeypatch.setattr(spacy, "load", load)
    monkeypatch.setattr(spacy, "info", lambda name: {"lang": installed[name], "components": []})
    return loaded


def test_an_installed_pipeline_for_the_language_is_used_for_segments_and_lemmas(monkeypatch):
    monkeypatch.delenv(nlp.MODEL_ENV, raising=False)
    loaded = install(monkeypatch, {"da_core_news_md": "da"})
    assert nlp.pipeline_name("da") == "da_core_news_md"
    assert nlp.pipeline_name("sv") == ""  # none for Swedish: the built-in blank one
    assert nlp.lemmas("Tilliden voksede", "da") == [(0, 8, "trained-tilliden"), (9, 16, "trained-voksede")]
    assert loaded == ["da_core_news_md"]
    assert nlp.segment_text("Vi talte bl.a. om det. Det hjalp.", [(0, 33)], None, "da") == [(0, 22), (23, 33)]


def test_the_environment_names_a_pipeline_for_its_own_language_only(monkeypatch):
    install(monkeypatch, {"de_core_news_lg": "de", "da_core_news_sm": "da"})
    monkeypatch.setenv(nlp.MODEL_ENV, "de_core_news_lg")
    assert nlp.pipeline_name("de") == "de_core_news_lg"
    assert nlp.pipeline_name("da") == "da_core_news_sm"
    assert nlp.pipeline_name("en") == ""
    monkeypatch.setenv(nlp.MODEL_ENV, "xx_not_there")
    with pytest.raises(WorkbenchError, match="'xx_not_there' is not installed"):
        nlp.pipeline_name("da")
