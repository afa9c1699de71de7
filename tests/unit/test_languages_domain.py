"""The language rules (pure): codes, quote marks, sentence ends at abbreviations, speaker words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.languages import LANGUAGES, check_language, fix_abbreviation_splits, quoted
from workbench.domain.transcript import normalise_participant_id, speaker_words
from workbench.errors import WorkbenchError


def test_codes_are_checked_case_insensitively_and_an_unknown_one_lists_the_supported():
    assert check_language(" DA ") == "da"
    with pytest.raises(WorkbenchError) as error:
        check_language("dk", "--language")
    message = str(error.value)
    assert message.startswith("--language: unknown language 'dk'; supported: da (Danish), de (German), en (English)")
    assert all(f"{code} (" in message for code in LANGUAGES)


@pytest.mark.parametrize(
    "code, expected",
    [("en", "“tillid”"), ("da", "»tillid«"), ("sv", "”tillid”"), ("de", "„tillid“"), ("fr", "«\u00a0tillid\u00a0»"),
     ("es", "«tillid»"), ("nb", "«tillid»"), ("fi", "”tillid”"), (None, "“tillid”")],
)
def test_quote_marks_follow_the_language(code, expected):
    assert quoted("tillid", code) == expected


def spans_of(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    edges = [0, *cuts, len(text)]
    return [(a, b) for a, b in zip(edges, edges[1:])]


def test_a_split_inside_or_after_an_abbreviation_is_undone():
    text = "Wir haben z. B. über Schlaf gesprochen."
    cut = text.index("B.")  # a sentencizer that split after "z."
    joined = fix_abbreviation_splits(text, [(0, cut - 1), (cut, len(text))], "de")
    assert joined == [(0, len(text))]
    text = "Det var ca. tre gånger."
    assert fix_abbreviation_splits(text, [(0, 11), (12, len(text))], "sv") == [(0, len(text))]
    # a sentence end that is no abbreviation stays
    assert fix_abbreviation_splits("It was good. Then it rained.", [(0, 12), (13, 28)], "en") == [(0, 12), (13, 28)]


def test_an_abbreviation_that_can_end_a_sentence_ends_one_before_a_capital_only():
    text = "Vi købte brød, mælk osv. Så gik vi hjem."
    assert fix_abbreviation_splits(text, [(0, len(text))], "da") == [(0, 24), (25, len(text))]
    text = "Vi købte brød osv. og gik hjem."
    assert fix_abbreviation_splits(text, [(0, len(text))], "da") == [(0, len(text))]
    text = "Ich habe z. B. Tagebuch geschrieben."  # "z. B." never ends a sentence, capital or not
    assert fix_abbreviation_splits(text, [(0, len(text))], "de") == [(0, len(text))]


@given(
    st.lists(st.sampled_from(["Vi", "skrev", "f.eks.", "osv.", "Så", "bl.a.", "ca.", "3.", "z. B.", "etc.", "Hr.", "ok."]),
             min_size=1, max_size=25),
    st.sampled_from(sorted(LANGUAGES)),
    st.data(),
)
def test_fixing_keeps_every_character_in_order_and_in_one_span(words, code, data):
    text = " ".join(words)
    spaces = [i for i, c in enumerate(text) if c == " "]
    cuts = sorted(data.draw(st.sets(st.sampled_from(spaces), max_size=len(spaces))) if spaces else [])
    spans = []
    start = 0
    for cut in cuts:  # a sentencizer's spans: white space between them, none inside at the edges
        spans.append((start, cut))
        start = cut + 1
    spans.append((start, len(text)))
    fixed = fix_abbreviation_splits(text, spans, code)
    assert fixed[0][0] == 0 and fixed[-1][1] == len(text)
    for (a, b), (c, d) in zip(fixed, fixed[1:]):
        assert a < b <= c < d and text[b:c].isspace()
    assert all(text[a:b] == text[a:b].strip() and a < b for a, b in fixed)


def test_speaker_words_are_english_plus_the_sources_language():
    danish = speaker_words("da")
    assert {"interviewer", "intervieweren"} <= danish.interviewers and "deltager" in danish.respondents
    assert "deltager" not in speaker_words("en").respondents and "intervieweren" not in speaker_words("sv").interviewers
    assert normalise_participant_id("Deltager 3", "da") == "P03" == normalise_participant_id("Participant 3", "da")
    assert normalise_participant_id("Deltager 3") is None  # not in an English source
    assert normalise_participant_id("Deltager Hansen", "da") is None
    assert normalise_participant_id("Teilnehmerin 12", "de") == "P12"
