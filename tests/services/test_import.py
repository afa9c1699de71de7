"""Importing transcripts: formats, speaker styles, encodings, duplicates, participants, bad input."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from workbench.errors import InputError
from workbench.services.importing import batch as importing
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.participants import list_participants
from workbench.services.project.sources import list_sources
from workbench.store.models import Segment, Source, Turn


def imported(project, *paths, **options):
    report = import_paths(project, [Path(p) for p in paths], ImportOptions(**options))
    assert not report.failed, report.failed
    return report


def source_turns(project, name):
    with project.session() as session:
        source = session.scalar(select(Source).where(Source.name == name))
        rows = session.scalars(select(Turn).where(Turn.source_id == source.id).order_by(Turn.ordinal)).all()
        return source.text, [(t.speaker_label, t.speaker_role, source.text[t.start : t.end], t.time_start_ms) for t in rows]


def test_txt_turns_segments_and_counts(project, interview_file):
    imported(project, interview_file)
    text, turns = source_turns(project, "P01-interview")
    assert text == interview_file.read_text(encoding="utf-8")
    assert turns[0][:2] == (None, None)  # the header line
    assert turns[1][:2] == ("Interviewer", "interviewer")
    assert turns[2][0] == "P01" and turns[2][2].endswith("when the log-in fails.")
    with project.session() as session:
        segments = session.scalars(select(Segment).order_by(Segment.ordinal)).all()
        sentences = [text[s.start : s.end] for s in segments]
    assert "I trust the app more than I expected." in sentences
    assert "Clients do the homework at home." in sentences
    (summary,) = list_sources(project.session().__enter__())
    assert summary.kind == "interview" and summary.participants == ["P01"] and summary.turns == 5


def test_utf8_bom_crlf_and_cp1252_keep_curly_quotes(project, tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeffP01: “Quoted” — fine.\r\nP01: more\r\n".encode("utf-8"))
    (tmp_path / "b.txt").write_bytes("P02: “Smart” quotes – dash.\r\n".encode("cp1252"))
    imported(project, tmp_path / "a.txt", tmp_path / "b.txt")
    text_a, _ = source_turns(project, "a")
    text_b, turns_b = source_turns(project, "b")
    assert text_a == "P01: “Quoted” — fine.\nP01: more\n"
    assert turns_b[0][2] == "“Smart” quotes – dash."
    with project.session() as session:
        assert session.scalar(select(Source.encoding).where(Source.name == "b")) == "cp1252"


def test_docx_paragraphs_joined_by_newline(project, tmp_path):
    path = tmp_path / "P04-interview.docx"
    document = docx.Document()
    for line in ("Interviewer: Hello?", "P04: Hi. It’s me.", "Still me."):
        document.add_paragraph(line)
    document.save(path)
    imported(project, path)
    text, turns = source_turns(project, "P04-interview")
    assert text == "Interviewer: Hello?\nP04: Hi. It’s me.\nStill me."
    assert turns[1][:3] == ("P04", "participant", "Hi. It’s me.\nStill me.")


def test_vtt_voice_tags_and_cue_times(project, tmp_path):
    path = tmp_path / "fg.vtt"
    path.write_text(
        "WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:04.500\n<v Moderator>Welcome, everyone.</v>\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v P02>I’d say the app\nhelps.</v>\n\n"
        "00:01:10.250 --> 00:01:12.000\n<v.loud P07>Agreed!</v>\n",
        encoding="utf-8",
    )
    imported(project, path, kind="focus-group")
    text, turns = source_turns(project, "fg")
    assert text == "Moderator: Welcome, everyone.\nP02: I’d say the app helps.\nP07: Agreed!"
    assert [(t[0], t[1], t[3]) for t in turns] == [
        ("Moderator", "interviewer", 1000),
        ("P02", "participant", 5000),
        ("P07", "participant", 70250),
    ]


def test_srt(project, tmp_path):
    path = tmp_path / "P05-interview.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Ready?\n\n2\n00:00:03,500 --> 00:00:06,000\nP05: Yes,\nready.\n",
        encoding="utf-8",
    )
    imported(project, path)
    text, turns = source_turns(project, "P05-interview")
    assert text == "Interviewer: Ready?\nP05: Yes, ready."
    assert turns[1] == ("P05", "participant", "Yes, ready.", 3500)


def test_participant_in_interview_and_focus_group_is_one_person(project, tmp_path):
    (tmp_path / "P02-interview.txt").write_text("INT: Hi.\nR: Hello, I am P two.\n", encoding="utf-8")
    (tmp_path / "focus-group-1.txt").write_text("Moderator: Hi all.\nP2: Hello.\nP07: Hi.\n", encoding="utf-8")
    attributes = tmp_path / "people.csv"
    attributes.write_text("participant,role,site\nP02,therapist,North\nP7,nurse,South\n", encoding="utf-8")
    report = import_paths(project, [tmp_path], attributes=attributes)
    assert len(report.imported) == 2
    with project.session() as session:
        people = {p.id: p for p in list_participants(session)}
        kinds = {s.name: s.kind for s in list_sources(session)}
    assert set(people) == {"P02", "P07"}
    assert people["P02"].sources == ["P02-interview", "focus-group-1"]
    assert people["P02"].attributes == {"role": "therapist", "site": "North"}
    assert kinds == {"P02-interview": "interview", "focus-group-1": "focus-group"}


def test_speaker_map_and_extra_interviewer_labels(project, tmp_path):
    (tmp_path / "x.txt").write_text("Researcher Two: Q?\nSpeaker 3: Answer.\nAlex: Yes.\n", encoding="utf-8")
    imported(project, tmp_path / "x.txt", speaker_map={"Speaker 3": "P09"}, interviewer_labels=("Researcher Two",))
    _, turns = source_turns(project, "x")
    assert [t[1] for t in turns] == ["interviewer", "participant", "participant"]
    with project.session() as session:
        assert {p.id for p in list_participants(session)} == {"P09", "Alex"}


def test_generic_speaker_labels_are_scoped_to_their_source(project, tmp_path):
    (tmp_path / "a.txt").write_text("Speaker 1: One.\nSpeaker 2: Two.\nSpeaker 3: Three.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Speaker 1: Other.\nSpeaker 2: Else.\nSpeaker 3: More.\n", encoding="utf-8")
    imported(project, tmp_path / "a.txt", tmp_path / "b.txt")
    with project.session() as session:
        ids = {p.id for p in list_participants(session)}
    assert "Speaker 1 (a)" in ids and "Speaker 1 (b)" in ids


def test_reimporting_the_same_content_is_skipped(project, interview_file, tmp_path):
    imported(project, interview_file)
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(interview_file.read_bytes())
    before = table_counts(project)
    report = import_paths(project, [copy])
    assert [r.status for r in report.results] == ["skipped"]
    assert "same content as source 'P01-interview'" in report.results[0].message
    assert table_counts(project) == before


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "binary.txt": b"\x00\x01\x02\x03PNG\x00\x00binary",
        "empty.txt": b"",
        "blank.md": b"   \n\n",
        "broken.docx": b"PK\x03\x04 this is not really a zip",
        "protected.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "truncated.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:0",
        "notvtt.vtt": b"Hello\n",
        "undecodable.txt": b"P01: caf\x81\x8d\x8f\x90\x9d",  # bytes undefined in cp1252 and invalid UTF-8
    }
    paths = {}
    for name, data in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    zip_docx = tmp_path / "zipnotdocx.docx"
    with zipfile.ZipFile(zip_docx, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    paths["zipnotdocx.docx"] = zip_docx
    return paths


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("binary.txt", "binary file"),
        ("empty.txt", "empty"),
        ("blank.md", "empty"),
        ("broken.docx", "not a valid .docx"),
        ("protected.docx", "password-protected"),
        ("zipnotdocx.docx", ".docx"),
        ("truncated.vtt", "malformed cue timing"),
        ("notvtt.vtt", "first line must be 'WEBVTT'"),
        ("undecodable.txt", "cannot decode"),
    ],
)
def test_bad_files_are_reported_and_leave_the_project_unchanged(project, interview_file, tmp_path, name, fragment):
    imported(project, interview_file)
    bad = _bad_files(tmp_path)[name]
    before = table_counts(project)
    report = import_paths(project, [bad, interview_file])
    failed = report.failed
    assert len(failed) == 1 and failed[0].path == str(bad)
    assert failed[0].message.startswith(str(bad)) and fragment in failed[0].message
    assert "\n" not in failed[0].message
    assert report.results[1].status == "skipped"  # the batch went on
    assert table_counts(project) == before


def test_a_failure_inside_the_transaction_rolls_back(project, interview_file, monkeypatch):
    from workbench.services.importing import texts

    def explode(*args, **kwargs):
        raise InputError("x", "simulated failure after the source row was written")

    monkeypatch.setattr(texts, "_insert_turns_and_segments", explode)
    before = table_counts(project)
    report = import_paths(project, [interview_file])
    assert report.failed and table_counts(project) == before


def test_folders_are_imported_recursively(project, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("P01: one.", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.md").write_text("P02: two.", encoding="utf-8")
    (tmp_path / "a" / "b" / "ignored.pdf").write_bytes(b"%PDF")
    report = import_paths(project, [tmp_path / "a"])
    assert sorted(r.source for r in report.imported) == ["one", "two"]


def test_attributes_csv_without_participant_column_is_refused_before_importing(project, interview_file, tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("name,role\nAnna,x\n", encoding="utf-8")
    before = table_counts(project)
    with pytest.raises(InputError, match=r"people.csv:1: no participant column"):
        import_paths(project, [interview_file], attributes=bad)
    assert table_counts(project) == before


def _stored(project):
    """Everything an import writes, in an order that does not depend on row ids."""
    with project.session() as session:
        return (
            session.execute(
                select(Source.name, Source.kind, Source.content_hash, Source.word_count, Source.encoding)
                .order_by(Source.name)
            ).all(),
            session.execute(
                select(Source.name, Turn.ordinal, Turn.speaker_label, Turn.speaker_role, Turn.start, Turn.end,
                       Turn.time_start_ms)
                .join(Source, Turn.source_id == Source.id)
                .order_by(Source.name, Turn.ordinal)
            ).all(),
            session.execute(
                select(Source.name, Segment.ordinal, Segment.start, Segment.end)
                .join(Source, Segment.source_id == Source.id)
                .order_by(Source.name, Segment.ordinal)
            ).all(),
            sorted((p.id, tuple(p.sources)) for p in list_participants(session)),
        )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the second process is forked: Linux only")
def test_segmenting_in_a_second_process_stores_exactly_what_one_process_does(project, open_project, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for number in range(1, 6):
        (folder / f"P0{number}-interview.txt").write_text(
            f"Interviewer: How was week {number}? Tell me more.\nP0{number}: It was fine. The app helped.\n"
            f"P0{number}: Then I stopped. Dr. Ames said so.\n",
            encoding="utf-8",
        )
    (folder / "FG1.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v P02>Both of us, yes.\n\n"
        "00:00:05.000 --> 00:00:07.500\n<v Moderator>Thanks. Next?\n",
        encoding="utf-8",
    )
    (folder / "P03-copy.txt").write_bytes((folder / "P03-interview.txt").read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "empty.txt").write_bytes(b"")

    two = import_paths(project, [folder], ImportOptions(processes=2))
    reference = open_project("one-process")
    one = import_paths(reference, [folder], ImportOptions(processes=1))

    assert [(r.status, r.message.replace(str(folder), "")) for r in two.results] == [
        (r.status, r.message.replace(str(folder), "")) for r in one.results
    ]
    assert [r.status for r in two.results].count("failed") == 2
    assert [r.status for r in two.results].count("skipped") == 1
    assert _stored(project) == _stored(reference)


def test_a_second_process_only_for_a_large_batch_on_a_machine_that_can_fork(tmp_path, monkeypatch):
    files = []
    for name in ("a.txt", "b.txt"):
        files.append(tmp_path / name)
        files[-1].write_text("P01: Short.\n", encoding="utf-8")
    can_fork = sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2
    assert not importing._use_worker(files, ImportOptions())  # a few bytes: not worth a process
    monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 10)
    assert importing._use_worker(files, ImportOptions()) == can_fork
    assert not importing._use_worker(files, ImportOptions(processes=1))
    assert not importing._use_worker(files[:1], ImportOptions(processes=2))  # one file: nothing to overlap
