import pytest

from workbench.domain.transcript import normalise_participant_id, parse_timestamp, split_turns


def turns(text):
    parsed = split_turns(text)
    return [(t.label, text[t.body.start : t.body.end], t.time_start_ms) for t in parsed.turns]


@pytest.mark.parametrize(
    "line, label, body, millis",
    [
        ("P03: I think so.", "P03", "I think so.", None),
        ("Interviewer: Why?", "Interviewer", "Why?", None),
        ("[00:01:23] Speaker 1: Hello there.", "Speaker 1", "Hello there.", 83_000),
        ("Speaker 1 (00:01:23): Hello there.", "Speaker 1", "Hello there.", 83_000),
        ("INT: Tell me more.", "INT", "Tell me more.", None),
        ("R: Well, yes.", "R", "Well, yes.", None),
        ("(01:02:03.5) Dr Okafor: Right.", "Dr Okafor", "Right.", 3_723_500),
        ("Zoë: Oui.", "Zoë", "Oui.", None),
        ("Łukasz: Tak.", "Łukasz", "Tak.", None),
        ("Dr Ōtsuka (00:00:05): Hai.", "Dr Ōtsuka", "Hai.", 5_000),
    ],
)
def test_speaker_styles(line, label, body, millis):
    assert turns(line) == [(label, body, millis)]


def test_unlabelled_lines_continue_the_previous_turn():
    text = "P01: First line.\nsecond line: with a colon in prose.\nInterviewer: Next?"
    assert turns(text) == [
        ("P01", "First line.\nsecond line: with a colon in prose.", None),
        ("Interviewer", "Next?", None),
    ]


def test_text_before_the_first_label_and_files_without_labels_stay_codable():
    assert turns("Header line\n\nP01: Hi.") == [(None, "Header line", None), ("P01", "Hi.", None)]
    assert turns("One paragraph.\nStill it.\n\nAnother.") == [
        (None, "One paragraph.\nStill it.", None),
        (None, "Another.", None),
    ]


def test_turn_offsets_are_code_points_into_the_text():
    text = "P01: “Curly” café 😀.\nP02: ok"
    parsed = split_turns(text)
    first = parsed.turns[0]
    assert text[first.body.start : first.body.end] == "“Curly” café 😀."
    assert first.label_start == 0


def test_participant_ids_normalise():
    assert normalise_participant_id("P3") == "P03"
    assert normalise_participant_id("p03") == "P03"
    assert normalise_participant_id("Participant 12") == "P12"
    assert normalise_participant_id("Peter") is None


def test_timestamps():
    assert parse_timestamp("01:02") == 62_000
    assert parse_timestamp("00:00:01,250") == 1_250
