"""Importing transcripts as transcription tools write them: turns, speakers, participants and times in the project."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from tests.services.test_import import imported
from workbench.errors import WorkbenchError
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.participants import list_participants
from workbench.store.models import Source, Turn


def stored(project, name):
    """(text, [(label, role, participant, body, start ms, end ms)]) of a source."""
    with project.session() as session:
        source = session.scalar(select(Source).where(Source.name == name))
        rows = session.scalars(select(Turn).where(Turn.source_id == source.id).order_by(Turn.ordinal)).all()
        return source.text, [
            (t.speaker_label, t.speaker_role, t.participant.pid if t.participant else None, source.text[t.start : t.end],
             t.time_start_ms, t.time_end_ms)
            for t in rows
        ]


def participants(project):
    with project.session() as session:
        return {p.id: p.sources for p in list_participants(session)}


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)
    return path


OTTER_LINES = ["Interviewer  0:00", "How have the modules been?", "", "P05  0:09", "They helped a lot.", "",
               "Interviewer  1:12", "Which one most?", "", "P05  1:20", "The sleep module."]


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_otter_txt_and_docx(project, tmp_path, suffix):
    path = tmp_path / f"otter-export{suffix}"
    if suffix == ".docx":
        write_docx(path, OTTER_LINES)
    else:
        path.write_text("\n".join(OTTER_LINES) + "\n", encoding="utf-8")
    report = imported(project, path)
    assert "(interview, 15 words; otter layout, 2 speakers)" in report.results[0].message
    assert report.summary() == "1 imported, 0 skipped, 0 failed" and report.layouts() == "otter layout, 2 speakers"
    text, turns = stored(project, "otter-export")
    assert turns == [
        ("Interviewer", "interviewer", None, "How have the modules been?", 0, None),
        ("P05", "participant", "P05", "They helped a lot.", 9_000, None),
        ("Interviewer", "interviewer", None, "Which one most?", 72_000, None),
        ("P05", "participant", "P05", "The sleep module.", 80_000, None),
    ]
    assert text.startswith("Interviewer  0:00\nHow have")  # stored as written: offsets refer to it


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_word_and_teams_transcribe(project, tmp_path, suffix):
    lines = ["00:00:03 Interviewer", "How have the modules been?", "", "00:00:09 P06", "They helped a lot.",
             "I liked the diary.", "", "00:00:20 Speaker 3", "Me too."]
    path = tmp_path / f"fg-teams{suffix}"
    if suffix == ".docx":
        write_docx(path, lines)
    else:
        path.write_text("\n".join(lines), encoding="utf-8")
    report = imported(project, path, speaker_map={"Speaker 3": "P09"})
    assert report.results[0].layout == "word layout, 3 speakers"
    _, turns = stored(project, "fg-teams")
    assert turns == [
        ("Interviewer", "interviewer", None, "How have the modules been?", 3_000, None),
        ("P06", "participant", "P06", "They helped a lot.\nI liked the diary.", 9_000, None),
        ("Speaker 3", "participant", "P09", "Me too.", 20_000, None),
    ]


def test_zoom_txt_and_vtt(project, tmp_path):
    (tmp_path / "zoom-session.txt").write_text(
        "[Moderator] 00:00:02\nWelcome, both of you.\n\n[kofi.m] 00:00:07\nThanks.\n\n[P04] 00:00:09\nHello!\n",
        encoding="utf-8",
    )
    (tmp_path / "zoom-fg1.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nModerator: Shall we start?\n\n"
        "2\n00:00:04.500 --> 00:00:06.000\nkofi.m: Yes.\n\n3\n00:00:06.000 --> 00:00:07.000\nkofi.m: Yes, go.\n\n"
        "4\n00:00:07.200 --> 00:00:09.000\nP04: Ready.\n",
        encoding="utf-8",
    )
    report = imported(project, tmp_path / "zoom-session.txt", tmp_path / "zoom-fg1.vtt")
    assert [r.layout for r in report.results] == ["zoom layout, 3 speakers", "zoom layout, 3 speakers"]
    assert report.layouts() == "layouts: zoom 2"
    _, turns = stored(project, "zoom-session")
    assert turns == [
        ("Moderator", "interviewer", None, "Welcome, both of you.", 2_000, None),
        ("kofi.m", "participant", "kofi.m", "Thanks.", 7_000, None),
        ("P04", "participant", "P04", "Hello!", 9_000, None),
    ]
    _, cues = stored(project, "zoom-fg1")
    assert [(t[0], t[2], t[4], t[5]) for t in cues] == [
        ("Moderator", None, 1_000, 4_000), ("kofi.m", "kofi.m", 4_500, 6_000), ("kofi.m", "kofi.m", 6_000, 7_000),
        ("P04", "P04", 7_200, 9_000),  # one turn per cue, as for every subtitle file
    ]
    assert participants(project)["kofi.m"] == ["zoom-fg1", "zoom-session"]  # one named person in both


@pytest.mark.parametrize(
    "body, layout",
    [
        ("Interviewer (00:01:02):\nHow was it?\n\nRespondent (00:01:09):\nFine, mostly.\n", "rev"),
        ("[00:01:02] Interviewer: How was it?\n[00:01:09] Respondent: Fine, mostly.\n", "timecoded"),
        ("Interviewer [00:01:02]\nHow was it?\n\nRespondent [00:01:09]\nFine, mostly.\n", "name-time"),
        ("[00:01:02] Interviewer\nHow was it?\n\n[00:01:09] - Respondent\nFine, mostly.\n", "time-name"),
    ],
)
def test_service_styles_with_a_respondent_named_by_the_file(project, tmp_path, body, layout):
    path = tmp_path / "P07-interview.txt"
    path.write_text(body, encoding="utf-8")
    report = imported(project, path)
    assert report.results[0].layout == f"{layout} layout, 2 speakers"
    _, turns = stored(project, "P07-interview")
    assert turns == [
        ("Interviewer", "interviewer", None, "How was it?", 62_000, None),
        ("Respondent", "participant", "P07", "Fine, mostly.", 69_000, None),
    ]


def test_label_lines_with_extra_interviewer_label(project, tmp_path):
    path = tmp_path / "walk-along.txt"
    path.write_text("Guide\nWhere do we start?\n\nAmara\nBy the river.\n\nGuide\nWhy there?\n\nAmara\nIt is quiet.\n",
                    encoding="utf-8")
    report = imported(project, path, interviewer_labels=("Guide",))
    assert report.results[0].layout == "label-line layout, 2 speakers"
    _, turns = stored(project, "walk-along")
    assert [(t[0], t[1], t[2], t[3]) for t in turns] == [
        ("Guide", "interviewer", None, "Where do we start?"), ("Amara", "participant", "Amara", "By the river."),
        ("Guide", "interviewer", None, "Why there?"), ("Amara", "participant", "Amara", "It is quiet."),
    ]


WHISPERX = {
    "segments": [
        {"start": 0.0, "end": 2.5, "text": " How was week one?", "speaker": "SPEAKER_00",
         "words": [{"word": "How", "start": 0.0, "end": 0.2}]},
        {"start": 2.9, "end": 4.0, "text": " Hard at first.", "speaker": "SPEAKER_01"},
        {"start": 4.1, "end": 7.25, "text": " Then the app helped.", "speaker": "SPEAKER_01"},
        {"start": 8.0, "end": 9.0, "text": " Good.", "speaker": "SPEAKER_00"},
    ],
    "word_segments": [],
}


def test_whisperx_json_speakers_are_scoped_and_mappable(project, tmp_path):
    (tmp_path / "call-a.json").write_text(json.dumps(WHISPERX), encoding="utf-8")
    (tmp_path / "call-b.json").write_text(json.dumps({"segments": WHISPERX["segments"][:2]}), encoding="utf-8")
    report = imported(project, tmp_path / "call-a.json", tmp_path / "call-b.json",
                      speaker_map={"SPEAKER_00": "P11"}, interviewer_labels=())
    assert report.results[0].layout == "whisper layout, 2 speakers"
    text, turns = stored(project, "call-a")
    assert text == "SPEAKER_00: How was week one?\nSPEAKER_01: Hard at first.\nThen the app helped.\nSPEAKER_00: Good."
    assert turns == [
        ("SPEAKER_00", "participant", "P11", "How was week one?", 0, 2_500),
        ("SPEAKER_01", "participant", "SPEAKER_01 (call-a)", "Hard at first.\nThen the app helped.", 2_900, 7_250),
        ("SPEAKER_00", "participant", "P11", "Good.", 8_000, 9_000),
    ]
    people = participants(project)
    assert people["SPEAKER_01 (call-a)"] == ["call-a"] and people["SPEAKER_01 (call-b)"] == ["call-b"]
    with project.session() as session:
        assert session.scalar(select(Source.original_format).where(Source.name == "call-a")) == "json"


def test_whisper_json_tsv_srt_and_vtt_without_speakers(project, tmp_path):
    segments = [(0.0, 3.0, "The first module was long."), (3.2, 5.0, "Too long, honestly."), (9.0, 11.5, "The second was fine.")]
    (tmp_path / "a.json").write_text(
        json.dumps({"text": "…", "language": "en", "segments": [
            {"id": i, "start": s, "end": e, "text": " " + t} for i, (s, e, t) in enumerate(segments)]}),
        encoding="utf-8",
    )
    (tmp_path / "b.tsv").write_text(
        "start\tend\ttext\n" + "".join(f"{round(s * 1000)}\t{round(e * 1000)}\t{t}\n" for s, e, t in segments), encoding="utf-8"
    )

    def stamp(seconds: float, sep: str) -> str:
        return f"00:00:{int(seconds):02d}{sep}{round(seconds % 1 * 1000):03d}"

    (tmp_path / "c.srt").write_text(
        "".join(f"{i}\n{stamp(s, ',')} --> {stamp(e, ',')}\n{t}\n\n" for i, (s, e, t) in enumerate(segments, 1)), encoding="utf-8"
    )
    (tmp_path / "d.vtt").write_text(
        "WEBVTT\n\n" + "".join(f"{stamp(s, '.')[3:]} --> {stamp(e, '.')[3:]}\n{t}\n\n" for s, e, t in segments), encoding="utf-8"
    )
    report = import_paths(project, [tmp_path / n for n in ("a.json", "b.tsv", "c.srt", "d.vtt")])
    # the same words and times in four files: the first is stored, the others are the same content
    assert [r.status for r in report.results] == ["imported", "skipped", "skipped", "skipped"]
    assert report.results[0].layout == "whisper layout, no speakers"
    _, turns = stored(project, "a")
    assert turns == [
        (None, None, None, "The first module was long.\nToo long, honestly.", 0, 5_000),
        (None, None, None, "The second was fine.", 9_000, 11_500),
    ]


def test_other_whisper_json_shapes(project, tmp_path):
    (tmp_path / "cpp.json").write_text(json.dumps({"transcription": [
        {"timestamps": {"from": "00:00:00,000", "to": "00:00:02,000"}, "offsets": {"from": 0, "to": 2000}, "text": " One."},
        {"offsets": {"from": 2100, "to": 3000}, "text": " Two."}]}), encoding="utf-8")
    (tmp_path / "hf.json").write_text(json.dumps({"text": "x", "chunks": [
        {"timestamp": [0.0, 1.5], "text": " Hello."}, {"timestamp": [1.5, None], "text": " Bye."}]}), encoding="utf-8")
    (tmp_path / "list.json").write_text(json.dumps([
        {"start": 0, "end": 1, "text": "Hi.", "speaker": 0}, {"start": 1, "end": 2, "text": "Yo.", "speaker": 1}]), encoding="utf-8")
    imported(project, tmp_path / "cpp.json", tmp_path / "hf.json", tmp_path / "list.json")
    assert [(t[3], t[4], t[5]) for t in stored(project, "cpp")[1]] == [("One.\nTwo.", 0, 3_000)]
    assert [(t[3], t[4], t[5]) for t in stored(project, "hf")[1]] == [("Hello.\nBye.", 0, 1_500)]
    assert [(t[0], t[2]) for t in stored(project, "list")[1]] == [("SPEAKER_00", "SPEAKER_00 (list)"), ("SPEAKER_01", "SPEAKER_01 (list)")]


def test_whisperx_subtitles_and_tsv_with_a_speaker_column(project, tmp_path):
    (tmp_path / "x.srt").write_text(
        "1\n00:00:00,000 --> 00:00:02,000\n[SPEAKER_00]: Ready?\n\n2\n00:00:02,500 --> 00:00:04,000\n[SPEAKER_01]: Yes.\n\n"
        "3\n00:00:04,000 --> 00:00:05,000\n[SPEAKER_01]: Go on.\n",
        encoding="utf-8",
    )
    (tmp_path / "y.tsv").write_text("start\tend\tspeaker\ttext\n0\t2000\tINT\tReady?\n2500\t4000\tP03\tYes.\n", encoding="utf-8")
    report = imported(project, tmp_path / "x.srt", tmp_path / "y.tsv")
    assert [r.layout for r in report.results] == ["whisper layout, 2 speakers"] * 2
    _, turns = stored(project, "x")
    assert [(t[0], t[3], t[4], t[5]) for t in turns] == [("SPEAKER_00", "Ready?", 0, 2_000), ("SPEAKER_01", "Yes.\nGo on.", 2_500, 5_000)]
    _, turns = stored(project, "y")
    assert [(t[0], t[1], t[2]) for t in turns] == [("INT", "interviewer", None), ("P03", "participant", "P03")]


def test_forced_layout_and_its_errors(project, interview_file, tmp_path):
    path = tmp_path / "zoom-cues.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: One.\n\n00:00:02.000 --> 00:00:03.000\nAna: Two.\n\n"
        "00:00:03.000 --> 00:00:04.000\nBen: Three.\n",
        encoding="utf-8",
    )
    imported(project, path, layout="whisper")  # a speaker's consecutive cues joined into one turn
    _, turns = stored(project, "zoom-cues")
    assert [(t[0], t[3], t[4], t[5]) for t in turns] == [("Ana", "One.\nTwo.", 1_000, 3_000), ("Ben", "Three.", 3_000, 4_000)]
    before = table_counts(project)
    report = import_paths(project, [interview_file], ImportOptions(layout="otter"))
    assert report.failed and "has no speaker lines of the otter layout" in report.failed[0].message
    assert report.failed[0].message.startswith(str(interview_file))
    assert table_counts(project) == before
    with pytest.raises(WorkbenchError, match="unknown layout 'otr'"):
        import_paths(project, [interview_file], ImportOptions(layout="otr"))


def test_an_ambiguous_file_names_the_layouts_and_changes_nothing(project, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text("Interviewer  0:00\nHello.\n\n00:00:05 P01\nHi.\n\nInterviewer  0:09\nSo?\n\n00:00:12 P01\nWell.\n",
                    encoding="utf-8")
    before = table_counts(project)
    report = import_paths(project, [path])
    (failure,) = report.failed
    assert "fits more than one transcript layout: otter (2 speaker lines), word (2 speaker lines)" in failure.message
    assert "--layout NAME" in failure.message and "\n" not in failure.message
    assert table_counts(project) == before
    imported(project, path, layout="word")


@pytest.mark.parametrize(
    "name, data, fragment",
    [
        ("bad.json", b'{"segments": [', "is not valid JSON"),
        ("config.json", b'{"name": "not a transcript"}', "expected a 'segments' list"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "JSON"),
        ("nan.json", b'{"segments": [{"start": NaN, "end": 1, "text": "x"}]}', "segment 1: 'start' must be a time"),
        ("late.json", b'{"segments": [{"start": 0, "end": 2200000, "text": "x"}]}', "'end' must be a time in seconds up to 596 hours"),
        ("late.tsv", b"start\tend\ttext\n0\t2147483648\thello\n", "'2147483648' is not a time up to 596 hours"),
        ("back.json", b'{"segments": [{"start": 5, "end": 1, "text": "x"}]}', "segment 1 ends before it starts"),
        ("notext.json", b'{"segments": [{"start": 0, "end": 1}]}', "segment 1 has no 'text'"),
        ("empty.json", b'{"segments": []}', "no segments with text"),
        ("bad.tsv", b"start\tend\ttext\n0\tsoon\thello\n", "'soon' is not a time"),
        ("short.tsv", b"start\tend\ttext\n0\t1\n", "expected tab-separated start, end and text"),
    ],
)
def test_bad_whisper_files_are_reported_and_leave_the_project_unchanged(project, tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    before = table_counts(project)
    report = import_paths(project, [path])
    (failure,) = report.failed
    assert failure.message.startswith(str(path)) and fragment in failure.message and "\n" not in failure.message
    assert table_counts(project) == before


def test_hostile_speaker_names_and_control_characters_in_json(project, tmp_path):
    path = tmp_path / "hostile.json"
    segments = [
        {"start": 0, "end": 1, "text": "Hi \u001b[31mred\u001b[0m there", "speaker": "=HYPERLINK(\"x\")]: [evil"},
        {"start": 1, "end": 2, "text": "ok", "speaker": "S" * 500},
    ]
    path.write_text(json.dumps({"segments": segments}), encoding="utf-8")
    imported(project, path)
    text, turns = stored(project, "hostile")
    assert "\x1b" not in text
    assert turns[0][3] == "Hi [31mred[0m there" and len(turns[1][0]) == 60
