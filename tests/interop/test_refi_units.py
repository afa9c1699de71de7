"""Pure pieces: span conversions, text decoding, unit detection, GUIDs, description sections, safe XML."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.interop.builders import DATA
from workbench.domain.spans import (
    astral_utf16_starts,
    code_points_to_utf16,
    crlf_offsets_to_lf,
    utf16_offsets_to_code_points,
    utf16_splits_pair,
    utf16_to_code_points,
)
from workbench.errors import InputError
from workbench.interop.guids import normalise_guid
from workbench.interop.model import join_code_description, split_code_description
from workbench.interop.positions import Units, decode_source, place
from workbench.interop.xml import parse_xml

TEXTS = st.text(alphabet=st.sampled_from(list("ab \n\r") + ["😀", "é", "𝄞"]), max_size=40)


@given(TEXTS)
def test_batch_utf16_conversion_agrees_with_the_one_at_a_time_helpers(text):
    starts = astral_utf16_starts(text)
    for index in range(len(text) + 1):
        units = code_points_to_utf16(text, index)
        assert utf16_offsets_to_code_points(text, [units], starts) == [utf16_to_code_points(text, units)] == [index]
        assert not utf16_splits_pair(starts, units)
        if index < len(text) and ord(text[index]) > 0xFFFF:
            assert utf16_splits_pair(starts, units + 1)
            assert utf16_offsets_to_code_points(text, [units + 1], starts) == [index]


@given(TEXTS)
def test_crlf_offsets_map_onto_the_normalised_text(text):
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    mapped = crlf_offsets_to_lf(text, range(len(text) + 1))
    assert mapped[-1] == len(normalised)
    for index, position in enumerate(mapped):
        if index < len(text) and text[index] != "\r":
            assert normalised[position] == text[index].replace("\r", "\n")


def test_decode_strips_boms_and_keeps_line_ends_under_our_control():
    utf8 = decode_source(b"\xef\xbb\xbfa\r\nb")
    assert (utf8.raw, utf8.text, utf8.encoding) == ("a\r\nb", "a\nb", "utf-8-sig")
    utf16 = decode_source("\ufeffé\r\n😀".encode("utf-16-le"))
    assert (utf16.raw, utf16.text) == ("é\r\n😀", "é\n😀")
    assert decode_source("café".encode("cp1252")).text == "café"
    assert decode_source(b"\xef\xbb\xbf\xff\xfe") is None  # a BOM promising UTF-8 that is not


def _selections(raw: str, quotes: list[str], utf16: bool, crlf_as_two: bool) -> list[tuple[int, int]]:
    counted = raw if crlf_as_two else raw.replace("\r\n", "\n")
    result = []
    for quote in quotes:
        start = counted.index(quote)
        end = start + len(quote)
        if utf16:
            start, end = code_points_to_utf16(counted, start), code_points_to_utf16(counted, end)
        result.append((start, end))
    return result


RAW = "Intro line 😀 here\r\nSecond 👍👍 line with words\r\nThird line 🎉🎉🎉 and the end\r\n"
QUOTES = ["here", "line with words", "and the end", "Third line"]


@pytest.mark.parametrize("utf16", [False, True])
@pytest.mark.parametrize("crlf_as_two", [False, True])
@pytest.mark.parametrize("origin", [None, "NVivo for Windows 12.6", "ATLAS.ti 9"])
def test_every_unit_convention_is_detected_whatever_the_origin_says(utf16, crlf_as_two, origin):
    source = decode_source(RAW.encode("utf-8"))
    placed = place(source, _selections(RAW, QUOTES, utf16, crlf_as_two), origin=origin)
    assert [source.text[s:e] for s, e in placed.spans] == QUOTES
    assert placed.units == Units(utf16, crlf_as_two)


def test_quotes_in_selection_names_decide_when_boundaries_cannot():
    raw = "ab😀cde fg\r\nhij kl"
    source = decode_source(raw.encode())
    spans = _selections(raw, ["cde", "hij"], utf16=False, crlf_as_two=False)
    placed = place(source, spans, quotes=["cde", "hij"], origin="NVivo for Windows 12.6")
    assert [source.text[s:e] for s, e in placed.spans] == ["cde", "hij"]
    assert placed.detected and placed.quotes_matched == 2


def test_positions_past_the_end_are_clamped_and_counted_and_empty_ones_dropped():
    source = decode_source(b"short text")
    placed = place(source, [(0, 5), (6, 99), (7, 7)])
    assert placed.spans == ((0, 5), (6, 10), None)
    assert placed.clamped == 1


def test_guids_are_normalised():
    assert normalise_guid("{ABCDEF01-2345-6789-ABCD-EF0123456789}") == "abcdef01-2345-6789-abcd-ef0123456789"
    assert normalise_guid("  abcdef01-2345-6789-abcd-ef0123456789 ") == "abcdef01-2345-6789-abcd-ef0123456789"
    assert normalise_guid("") is None and normalise_guid(None) is None


def test_code_descriptions_round_trip_our_fields_and_leave_foreign_ones_alone():
    text = join_code_description("Warmth.", "Any trust.", None, "I trust her", ("trust", "warm"), "bond.trust")
    parsed = split_code_description(text)
    assert (parsed.definition, parsed.when_to_use, parsed.when_not_to_use, parsed.example) == (
        "Warmth.", "Any trust.", None, "I trust her"
    )
    assert parsed.keywords == ("trust", "warm") and parsed.key == "bond.trust"
    foreign = "Example: this is how MAXQDA users write descriptions"
    assert split_code_description(foreign).definition == foreign


@pytest.mark.parametrize("name", ["xxe.qdc", "billion_laughs.qdc"])
def test_entity_declarations_are_refused_before_parsing(name):
    with pytest.raises(InputError, match="DOCTYPE or ENTITY.*refused"):
        parse_xml((DATA / name).read_bytes(), name)


def test_a_utf16_doctype_is_refused_after_parsing():
    data = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16")
    with pytest.raises(InputError, match="DOCTYPE"):
        parse_xml(data, "evil.qdc")


def test_broken_xml_names_the_line():
    with pytest.raises(InputError, match=r"^f\.qdc:3: is not well-formed XML"):
        parse_xml(b"<CodeBook>\n<Codes>\n</CodeBook>", "f.qdc")
