"""Transcript layouts: detection and turns for each tool's layout, on short fictional transcripts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.layouts import LAYOUT_NAMES, PAUSE_MS, describe_layouts, parse_layout
from workbench.domain.transcript import split_turns
from workbench.errors import InputError


def turns(result):
    text = result.parsed.text
    return [(t.label, text[t.body.start : t.body.end], t.time_start_ms) for t in result.parsed.turns]


OTTER = """\
Interviewer  0:00
How have the modules been for you?

P05  0:09
They helped a lot. The sleep one most.
I did it twice.

Interviewer  1:02:03
Thank you.

Transcribed by https://otter.ai
"""


def test_otter_speaker_and_time_on_a_line_words_below():
    result = parse_layout("o.txt", OTTER)
    assert result.describe() == "otter layout, 2 speakers"
    assert turns(result) == [
        ("Interviewer", "How have the modules been for you?", 0),
        ("P05", "They helped a lot. The sleep one most.\nI did it twice.", 9_000),
        ("Interviewer", "Thank you.", 3_723_000),
        (None, "Transcribed by https://otter.ai", None),
    ]
    assert result.parsed.text == OTTER  # the stored text is the file's; turns are spans over it
    first = result.parsed.turns[0]
    assert OTTER[first.label_start :].startswith("Interviewer  0:00")


def test_otter_text_before_the_first_speaker_stays_codable():
    text = "Module feedback, 3 May\n\nSpeaker 1  0:04\nHello.\n\nSpeaker 2  0:06\nHi there.\n"
    assert turns(parse_layout("o.txt", text)) == [
        (None, "Module feedback, 3 May", None),
        ("Speaker 1", "Hello.", 4_000),
        ("Speaker 2", "Hi there.", 6_000),
    ]


def test_word_and_teams_transcribe_time_then_speaker():
    text = "00:00:03 Interviewer\nHow have the modules been?\n\n00:00:09 P06\nThey helped a lot.\n\n00:01:15 Interviewer\nGood.\n"
    result = parse_layout("w.docx", text, fmt="docx")
    assert result.describe() == "word layout, 2 speakers"
    assert turns(result) == [
        ("Interviewer", "How have the modules been?", 3_000),
        ("P06", "They helped a lot.", 9_000),
        ("Interviewer", "Good.", 75_000),
    ]


def test_zoom_text_export_bracketed_speaker_then_time():
    text = "[Dr Ama Mensah] 00:00:02\nWelcome, both of you.\n\n[Kofi] 00:00:07\nThanks.\n\n[Efua Boateng] 00:00:09\nHello!\n"
    result = parse_layout("z.txt", text)
    assert result.describe() == "zoom layout, 3 speakers"
    assert turns(result) == [
        ("Dr Ama Mensah", "Welcome, both of you.", 2_000),
        ("Kofi", "Thanks.", 7_000),
        ("Efua Boateng", "Hello!", 9_000),
    ]


@pytest.mark.parametrize(
    "text, layout",
    [
        ("[00:00:03] Interviewer\nFirst?\n\n[00:00:09.50] - P07\nSecond.\n", "time-name"),
        ("Interviewer [00:00:03]\nFirst?\n\nP07 [00:00:09.50]\nSecond.\n", "name-time"),
        ("Interviewer (00:00:03)\nFirst?\n\nP07 (00:00:09.50)\nSecond.\n", "name-time"),
    ],
)
def test_timecode_and_speaker_on_a_line_of_their_own(text, layout):
    result = parse_layout("t.txt", text)
    assert result.layout == layout
    assert turns(result) == [("Interviewer", "First?", 3_000), ("P07", "Second.", 9_500)]


def test_label_alone_on_a_line_needs_the_label_to_recur():
    text = "Interviewer\nWhat did you try first?\n\nMaría José\nThe diary.\nEvery night.\n\nInterviewer\nAnd then?\n\nMaría José\nThe app.\n"
    result = parse_layout("l.txt", text)
    assert result.describe() == "label-line layout, 2 speakers"
    assert turns(result)[:2] == [("Interviewer", "What did you try first?", None), ("María José", "The diary.\nEvery night.", None)]
    # headings that do not recur are paragraphs, not speakers
    prose = "Introduction\nThis report covers the pilot.\n\nMethods\nWe interviewed six people.\n"
    assert parse_layout("r.txt", prose).layout is None


@pytest.mark.parametrize(
    "text, layout, expected",
    [
        ("Speaker 1 (00:01:02):\nHow was it?\n\nSpeaker 2 (00:01:09):\nFine.\n", "rev",
         [("Speaker 1", "How was it?", 62_000), ("Speaker 2", "Fine.", 69_000)]),
        ("Jane Doe (00:00:01): Hello there.\nKwame (00:00:04): Hi.\n", "rev",
         [("Jane Doe", "Hello there.", 1_000), ("Kwame", "Hi.", 4_000)]),
        ("[00:00:01] Interviewer: Hello there.\n[00:00:04] P02: Hi.\n", "timecoded",
         [("Interviewer", "Hello there.", 1_000), ("P02", "Hi.", 4_000)]),
        ("Interviewer:\nHello there.\n\nP02:\nHi.\n", "label-line",
         [("Interviewer", "Hello there.", None), ("P02", "Hi.", None)]),
        ("Interviewer: Hello there.\nP02: Hi.\n", "speaker-lines",
         [("Interviewer", "Hello there.", None), ("P02", "Hi.", None)]),
    ],
)
def test_the_styles_read_before_are_named_and_parsed_as_before(text, layout, expected):
    result = parse_layout("c.txt", text)
    assert result.layout == layout and turns(result) == expected
    assert result.parsed.turns == split_turns(text).turns


def test_a_file_without_speakers():
    result = parse_layout("n.txt", "Just notes.\n\nMore notes at 10:30.\n")
    assert result.layout is None and result.describe() == "no speaker labels"
    assert [t[0] for t in turns(result)] == [None, None]


def test_prose_with_times_and_names_is_not_a_layout():
    text = "We met at 10:30\nand talked.\n\nThe bus left 11:15\nlate again.\n"
    assert parse_layout("p.txt", text).layout is None


def test_two_layouts_in_one_file_are_reported_not_guessed():
    text = "Interviewer  0:00\nHello.\n\n00:00:05 P01\nHi.\n\nInterviewer  0:09\nSo?\n\n00:00:12 P01\nWell.\n"
    with pytest.raises(InputError, match=r"m.txt: fits more than one transcript layout: .*otter.*word.*--layout NAME"):
        parse_layout("m.txt", text)
    assert parse_layout("m.txt", text, layout="otter").describe() == "otter layout, 1 speaker"
    assert parse_layout("m.txt", text, layout="word").describe() == "word layout, 1 speaker"


def test_a_new_layout_never_wins_over_more_classic_labels():
    text = "Interviewer: Hi.\nP01: Hello.\nInterviewer: When?\nP01: At 9.\nNote  0:05\nx\n"
    assert parse_layout("k.txt", text).layout == "speaker-lines"


def test_a_forced_layout_must_fit_the_file():
    with pytest.raises(InputError, match=r"f.txt: has no speaker lines of the otter layout"):
        parse_layout("f.txt", "Interviewer: Hi.\nP01: Hello.\n", layout="otter")
    with pytest.raises(InputError, match=r"the whisper layout is for .*\.json.*not \.txt"):
        parse_layout("f.txt", "Hello.", layout="whisper")
    with pytest.raises(InputError, match=r"the otter layout is for .*not \.srt"):
        parse_layout("f.srt", "Hello.", [(0, 1)], fmt="srt", layout="otter")
    with pytest.raises(InputError, match="unknown layout 'nope'"):
        parse_layout("f.txt", "Hello.", layout="nope")


def cues(result):
    text = result.parsed.text
    return [(t.label, text[t.body.start : t.body.end], t.time_start_ms, t.time_end_ms) for t in result.parsed.turns]


def test_whisper_segments_without_speakers_join_into_runs_split_at_pauses():
    text = "So the first week was hard.\nI missed two sessions.\nThen it got easier.\nMuch easier."
    times = [(0, 2_400), (2_500, 4_000), (4_000 + PAUSE_MS, 8_000), (8_100, 9_000)]
    result = parse_layout("w.srt", text, times, fmt="srt")
    assert result.describe() == "whisper layout, no speakers"
    assert result.parsed.text == text
    assert cues(result) == [
        (None, "So the first week was hard.\nI missed two sessions.", 0, 4_000),
        (None, "Then it got easier.\nMuch easier.", 6_000, 9_000),
    ]


def test_whisperx_speakers_consecutive_segments_of_one_speaker_are_one_turn():
    text = "[SPEAKER_00]: How was week one?\n[SPEAKER_01]: Hard.\n[SPEAKER_01]: Then better.\n[SPEAKER_00]: Why?"
    times = [(0, 1_500), (1_800, 2_200), (9_000, 10_000), (10_500, 11_000)]
    result = parse_layout("x.vtt", text, times, fmt="vtt")
    assert result.describe() == "whisper layout, 2 speakers"
    assert result.parsed.text == "SPEAKER_00: How was week one?\nSPEAKER_01: Hard.\nThen better.\nSPEAKER_00: Why?"
    assert cues(result) == [
        ("SPEAKER_00", "How was week one?", 0, 1_500),
        ("SPEAKER_01", "Hard.\nThen better.", 1_800, 10_000),
        ("SPEAKER_00", "Why?", 10_500, 11_000),
    ]
    label_starts = [t.label_start for t in result.parsed.turns]
    assert [result.parsed.text[s : s + 10] for s in label_starts] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]


def test_zoom_and_teams_cues_keep_one_turn_per_cue_as_before():
    text = "Jane Doe: Hello.\nJane Doe: Still me.\nKwame: Hi."
    times = [(0, 1_000), (1_000, 2_000), (3_000, 4_000)]
    zoom = parse_layout("z.vtt", text, times, fmt="vtt")
    assert zoom.describe() == "zoom layout, 2 speakers"
    assert zoom.parsed.turns == split_turns(text, times).turns
    assert parse_layout("t.vtt", text, times, fmt="vtt", hint="teams").layout == "teams"
    assert parse_layout("s.srt", text, times, fmt="srt").layout == "subtitles"
    joined = parse_layout("z.vtt", text, times, fmt="vtt", layout="whisper")  # forced: join a speaker's cues
    assert cues(joined) == [("Jane Doe", "Hello.\nStill me.", 0, 2_000), ("Kwame", "Hi.", 3_000, 4_000)]


def test_zoom_cues_keep_display_names_as_people_typed_them():
    text = "jsmith: Can you hear me?\nAma K: Yes.\njsmith: Good.\nkofi: Me too.\nAma K: Great."
    times = [(i * 1_000, i * 1_000 + 900) for i in range(5)]
    result = parse_layout("z.vtt", text, times, fmt="vtt")
    assert result.describe() == "zoom layout, 3 speakers"
    assert [t[0] for t in cues(result)] == ["jsmith", "Ama K", "jsmith", "kofi", "Ama K"]
    assert [t[0] for t in cues(parse_layout("t.vtt", text, times, fmt="vtt", hint="teams"))][:2] == ["jsmith", "Ama K"]
    # not Zoom's: prose before a colon in a captioned lecture stays text
    lecture = "so here is the thing: it works\nand then: nothing\nokay"
    assert parse_layout("l.vtt", lecture, times[:3], fmt="vtt").layout == "whisper"


def test_describe_layouts_for_the_batch_summary():
    assert describe_layouts([]) == ""
    assert describe_layouts(["otter layout, 2 speakers"]) == "otter layout, 2 speakers"
    many = ["otter layout, 2 speakers", "word layout, 3 speakers", "otter layout, 1 speaker", "no speaker labels"]
    assert describe_layouts(many) == "layouts: otter 2, word 1, no speaker labels 1"


def test_every_layout_has_a_name_tools_and_an_example():
    assert len(set(LAYOUT_NAMES)) == len(LAYOUT_NAMES) >= 12


_label = st.sampled_from(["Interviewer", "P01", "P12", "Speaker 1", "Dr Okafor", "INT", "R", "Zoë"])
_body = st.text(alphabet="abc xyz.,?!'0123456789:", min_size=1, max_size=30).filter(lambda s: s.strip())
_time = st.integers(0, 3 * 3600).map(lambda s: f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}")
_line = st.one_of(
    st.tuples(_label, _body).map(lambda p: f"{p[0]}: {p[1]}"),
    st.tuples(_time, _label, _body).map(lambda p: f"[{p[0]}] {p[1]}: {p[2]}"),
    st.tuples(_label, _time, _body).map(lambda p: f"{p[0]} ({p[1]}): {p[2]}"),
    _body,
    st.just(""),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_line, min_size=1, max_size=25))
def test_detection_never_changes_how_the_classic_styles_import(lines):
    text = "\n".join(lines)
    result = parse_layout("h.txt", text)
    assert result.parsed.text == text
    assert result.parsed.turns == split_turns(text).turns


@settings(max_examples=200, deadline=None)
@given(st.lists(_line.filter(lambda line: line.strip()), min_size=1, max_size=20), st.sampled_from(["srt", "vtt"]))
def test_subtitle_cues_with_speakers_keep_every_speaker_turn(lines, fmt):
    text = "\n".join(lines)
    times = [(i * 1_000, i * 1_000 + 800) for i in range(len(lines))]
    classic = split_turns(text, times)
    result = parse_layout("h." + fmt, text, times, fmt=fmt)
    if sum(1 for t in classic.turns if t.label is not None) >= 2:
        assert result.parsed.text == text
        kept = set(result.parsed.turns)
        assert all(turn in kept for turn in classic.turns if turn.label is not None)


_header = st.one_of(
    st.tuples(_label, st.integers(0, 7200)).map(lambda p: f"{p[0]}  {p[1] // 60}:{p[1] % 60:02d}"),
    st.tuples(_time, _label).map(lambda p: f"{p[0]} {p[1]}"),
    st.tuples(_label, _time).map(lambda p: f"[{p[0]}] {p[1]}"),
    st.tuples(_time, _label).map(lambda p: f"[{p[0]}] {p[1]}"),
    st.tuples(_label, _time).map(lambda p: f"{p[0]} [{p[1]}]"),
    _label,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_header, _line), min_size=1, max_size=30), st.sampled_from([None, *LAYOUT_NAMES]))
def test_any_mix_of_layouts_gives_ordered_turns_inside_the_text_or_one_clear_error(lines, layout):
    text = "\n".join(lines)
    try:
        result = parse_layout("mix.txt", text, layout=layout)
    except InputError as error:
        assert str(error).startswith("mix.txt: ") and "\n" not in str(error)
        return
    assert result.parsed.text == text
    previous_end = 0
    for turn in result.parsed.turns:
        assert previous_end <= turn.label_start <= turn.body.start <= turn.body.end <= len(text)
        assert text[turn.body.start : turn.body.end] == text[turn.body.start : turn.body.end].strip()
        previous_end = turn.body.end


def test_forced_label_line_reads_names_with_or_without_a_colon():
    text = "Interviewer:\nHow was it?\n\nP02:\nGood.\n"
    assert turns(parse_layout("c.txt", text, layout="label-line")) == [("Interviewer", "How was it?", None), ("P02", "Good.", None)]
    once = "Interviewer\nHow was it?\n\nP02\nGood.\n"  # each name once: detected as paragraphs, read when asked for
    assert parse_layout("o.txt", once).layout is None
    assert turns(parse_layout("o.txt", once, layout="label-line")) == [("Interviewer", "How was it?", None), ("P02", "Good.", None)]
    with pytest.raises(InputError, match="no speaker lines of the label-line layout"):
        parse_layout("c.txt", "Some text.\nMore text.\n", layout="label-line")
