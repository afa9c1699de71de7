"""Transcripts in the study's language: per supported language, on texts written for these tests —
sentence segments around abbreviations, lemma search, participant labels, keyword suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.domain.languages import LANGUAGES
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.text.nlp import segment_text
from workbench.services.text.search import search
from workbench.store.models import Source, Turn

# The sentences of a paragraph, each holding abbreviations of the language (and one that may end a
# sentence, followed by a capital, so the next sentence starts after it).
SENTENCES = {
    "en": ["We talked e.g. about sleep.", "It took approx. three weeks.", "Dr. Smith was there, cf. the notes.",
           "We bought bread, milk etc.", "Then we went home."],
    "da": ["Jeg talte bl.a. med min behandler om det.", "Vi skrev f.eks. dagbog hver uge, ca. tre gange.",
           "Det tog evt. lidt længere tid.", "Vi købte brød, mælk osv.", "Så gik vi hjem."],
    "sv": ["Vi pratade bl.a. om sömnen.", "Jag skrev t.ex. dagbok, ca. tre gånger i veckan.", "Det tog t.o.m. en månad.",
           "Vi köpte mjölk, bröd osv.", "Sen gick vi hem."],
    "nb": ["Vi snakket bl.a. om søvn.", "Jeg skrev f.eks. dagbok, ca. tre ganger i uka.", "Det tok evt. litt lengre tid.",
           "Vi kjøpte brød, melk osv.", "Så gikk vi hjem."],
    "de": ["Wir haben z. B. über den Schlaf gesprochen.", "Das dauerte ca. drei Wochen, d. h. nicht lange.",
           "Frau Dr. Weber war bzw. ist noch da.", "Wir kauften Brot, Milch usw.", "Dann gingen wir nach Hause."],
    "nl": ["We spraken o.a. over slaap.", "Het duurde ca. drie weken, d.w.z. niet lang.", "Dhr. Jansen was er bijv. ook.",
           "We kochten brood, melk enz.", "Toen gingen we naar huis."],
    "fr": ["Nous avons parlé p. ex. du sommeil.", "C'était env. trois semaines, c.-à-d. peu.",
           "Mme Dupont était là, M. Martin aussi.", "Le Dr. Leroy est venu ensuite."],
    "es": ["Hablamos p. ej. del sueño.", "Duró aprox. tres semanas.", "La Sra. García estaba allí.", "El Dr. López vino después."],
    "it": ["Abbiamo parlato ad es. del sonno.", "Il dott. Rossi era lì.", "Durò ca. tre settimane.",
           "La sig.ra Bianchi è venuta dopo."],
    "pt": ["Falamos p. ex. do sono.", "Durou aprox. três semanas.", "A Sra. Silva estava lá.", "O Dr. Costa veio depois."],
    "fi": ["Puhuimme mm. unesta.", "Kirjoitin esim. päiväkirjaa, n. kolme kertaa viikossa.", "Ostimme leipää, maitoa jne.",
           "Sitten menimme kotiin."],
}

# (text, query, the words the query must find): the query is a lemma, the text has inflections of it.
SEARCHES = {
    "en": ("The clients felt frustrated; it frustrates me too.", "frustrate", ["frustrated", "frustrates"]),
    "da": ("Tilliden til behandleren voksede. Uden tillid går det ikke.", "tillid", ["Tilliden", "tillid"]),
    "sv": ("Förtroendet för terapeuten växte. Utan förtroende går det inte.", "förtroende", ["Förtroendet", "förtroende"]),
    "nb": ("Tilliten til terapeuten vokste. Uten tillit går det ikke.", "tillit", ["Tilliten", "tillit"]),
    "de": ("Die Sitzungen halfen mir. Jede Sitzung war anders.", "sitzung", ["Sitzungen", "Sitzung"]),
    "nl": ("De gesprekken hielpen. Eén gesprek was moeilijk.", "gesprek", ["gesprekken", "gesprek"]),
    "fr": ("Les séances m'ont aidé. Une séance était difficile.", "séance", ["séances", "séance"]),
    "es": ("Las sesiones me ayudaron. Una sesión fue difícil.", "sesión", ["sesiones", "sesión"]),
    "it": ("Le sedute mi hanno aiutato. Una seduta è stata difficile.", "seduta", ["sedute", "seduta"]),
    "pt": ("As sessões ajudaram. Uma sessão foi difícil.", "sessão", ["sessões", "sessão"]),
    "fi": ("Luottamus kasvoi, ja luottamusta tarvittiin.", "luottamus", ["Luottamus", "luottamusta"]),
}

# (interviewer label, numbered participant label, generic participant label) as transcribers write them.
LABELS = {
    "en": ("Interviewer", "Participant 3", "Respondent"),
    "da": ("Intervieweren", "Deltager 3", "Informant"),
    "sv": ("Intervjuare", "Deltagare 3", "Intervjuperson"),
    "nb": ("Intervjuer", "Deltaker 3", "Informant"),
    "de": ("Interviewerin", "Teilnehmerin 3", "Befragte"),
    "nl": ("Interviewer", "Deelnemer 3", "Geïnterviewde"),
    "fr": ("Enquêteur", "Participante 3", "Enquêtée"),
    "es": ("Entrevistador", "Participante 3", "Entrevistada"),
    "it": ("Intervistatrice", "Partecipante 3", "Intervistato"),
    "pt": ("Entrevistadora", "Participante 3", "Entrevistado"),
    "fi": ("Haastattelija", "Osallistuja 3", "Haastateltava"),
}

# (codebook keyword, a sentence with an inflection of it, the words the suggestion matched)
KEYWORDS = {
    "en": ("frustrate", "It was frustrating at first.", "frustrating"),
    "da": ("tillid", "Tilliden voksede langsomt.", "Tilliden"),
    "sv": ("förtroende", "Förtroendet växte långsamt.", "Förtroendet"),
    "nb": ("tillit", "Tilliten vokste sakte.", "Tilliten"),
    "de": ("Vertrauen", "Das ist eine Frage des Vertrauens.", "Vertrauens"),
    "nl": ("gesprek", "De gesprekken hielpen echt.", "gesprekken"),
    "fr": ("thérapeute", "Les thérapeutes étaient patients.", "thérapeutes"),
    "es": ("terapeuta", "Los terapeutas fueron pacientes.", "terapeutas"),
    "it": ("terapeuta", "I terapeuti erano pazienti.", "terapeuti"),
    "pt": ("terapeuta", "Os terapeutas foram pacientes.", "terapeutas"),
    "fi": ("luottamus", "Luottamusta tarvittiin paljon.", "Luottamusta"),
}


def test_every_supported_language_is_tested():
    assert set(SENTENCES) == set(SEARCHES) == set(LABELS) == set(KEYWORDS) == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_segments_do_not_split_at_the_languages_abbreviations(language):
    sentences = SENTENCES[language]
    paragraph = " ".join(sentences)
    spans = segment_text(paragraph, [(0, len(paragraph))], None, language)
    assert [paragraph[a:b] for a, b in spans] == sentences


def test_the_abbreviation_rules_change_what_the_sentencizer_alone_does():
    """Without them, spaCy's sentencizer splits after "ca." in Swedish and keeps "osv. Så" together in Danish."""
    import spacy

    for language in ("sv", "da", "fr", "it", "en"):
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
        assert [s.text for s in nlp(" ".join(SENTENCES[language])).sents] != SENTENCES[language]


@pytest.mark.parametrize("language", sorted(SEARCHES))
def test_lemma_search_finds_the_inflections(language):
    text, query, words = SEARCHES[language]
    hits = search(text, query, language)
    assert [h.text for h in hits] == words
    assert all(text[h.start : h.end] == h.text for h in hits)


def test_searching_in_another_language_finds_less():
    """The language matters: Danish 'tillid' does not find 'Tilliden' with English lemmas (only the word itself)."""
    text, query, _ = SEARCHES["da"]
    assert [h.text for h in search(text, query, "en")] == ["tillid"]


@pytest.mark.parametrize("language", sorted(LABELS))
def test_the_languages_speaker_words_are_known(project, tmp_path, language):
    interviewer, numbered, generic = LABELS[language]
    first = tmp_path / f"{language}-P05-interview.txt"
    first.write_text(f"{interviewer}: ?\n{numbered}: {SENTENCES[language][0]}\n", encoding="utf-8")
    second = tmp_path / f"{language}-P05-interview-2.txt"
    second.write_text(f"{interviewer}: ?\n{generic}: {SENTENCES[language][1]}\n", encoding="utf-8")
    report = import_paths(project, [first, second], ImportOptions(language=language))
    assert not report.failed
    with project.session() as session:
        rows = session.execute(
            select(Source.name, Source.language, Turn.speaker_label, Turn.speaker_role, Turn.participant_id)
            .join(Turn, Turn.source_id == Source.id).order_by(Source.name, Turn.ordinal)
        ).all()
        from workbench.store.models import Participant

        pids = dict(session.execute(select(Participant.id, Participant.pid)).all())
    assert {r.language for r in rows} == {language}
    seen = [(r.speaker_label, r.speaker_role, pids.get(r.participant_id)) for r in rows]
    assert seen == [
        (interviewer, "interviewer", None), (numbered, "participant", "P03"),  # "Deltager 3" is P03, as "Participant 3"
        (interviewer, "interviewer", None), (generic, "participant", "P05"),  # the one participant the file name names
    ]


@pytest.mark.parametrize("language", sorted(KEYWORDS))
def test_keywords_suggest_on_inflections_in_the_sources_language(project, tmp_path, language):
    from workbench.services.codebook.files import load_codebook
    from workbench.services.coding.suggestions import compute_suggestions, pending_suggestions

    keyword, sentence, matched = KEYWORDS[language]
    book = tmp_path / "book.yaml"
    book.write_text(f"codebook: Words\ncodes:\n  - id: k\n    name: K\n    keywords: [{keyword}]\n", encoding="utf-8")
    load_codebook(project, book)
    path = tmp_path / f"{language}-interview.txt"
    path.write_text(f"{LABELS[language][1]}: {SENTENCES[language][0]} {sentence}\n", encoding="utf-8")
    import_paths(project, [path], ImportOptions(language=language))
    assert compute_suggestions(project, "ana") == 1
    with project.session() as session:
        source_id = session.scalar(select(Source.id))
    (suggestion,) = pending_suggestions(project, "ana", source_id)
    assert suggestion.matched == matched and suggestion.code_key == "k"
