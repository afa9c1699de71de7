"""Putting a source's language right after the import: segments and speakers read again, codings kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.language import set_source_language
from workbench.store.models import Coding, Participant, Segment, Source, Turn

DANISH = (
    "Intervieweren: Hvordan gik det?\n"
    "Deltager 3: Vi talte bl.a. om søvn. Det var ca. tre uger. Tilliden voksede.\n"
    "Speaker 2: Og for mig hjalp det f.eks. om aftenen.\n"
)


def state(project):  # type: ignore[no-untyped-def]
    with project.session() as session:
        source = session.scalar(select(Source))
        segments = [source.text[s.start : s.end] for s in session.scalars(select(Segment).order_by(Segment.ordinal))]
        speakers = session.execute(
            select(Turn.speaker_label, Turn.speaker_role, Participant.pid)
            .outerjoin(Participant, Participant.id == Turn.participant_id).order_by(Turn.ordinal)
        ).all()
        people = sorted(session.scalars(select(Participant.pid)))
        codings = session.execute(select(Coding.start, Coding.end)).all()
        return source.language, segments, [tuple(s) for s in speakers], people, codings


def test_setting_a_sources_language_segments_it_and_reads_its_speakers_again(project, tmp_path):
    path = tmp_path / "samtale.txt"
    path.write_text(DANISH, encoding="utf-8")
    import_paths(project, [path], ImportOptions(speaker_map={"Speaker 2": "P07"}))  # imported as English by mistake
    with project.session() as session:
        source_id = session.scalar(select(Source.id))
    start = DANISH.index("Tilliden")
    CodingSession(project, "ana").apply(source_id, _code(project), start, start + len("Tilliden voksede."))
    language, segments, speakers, people, codings = state(project)
    assert language == "en" and "Vi talte bl.a." in segments and "Og for mig hjalp det f.eks." in segments
    assert ("Deltager 3", "participant", "Deltager 3") in speakers and ("Intervieweren", "participant", "Intervieweren") in speakers

    change = set_source_language(project, "samtale", "da")
    assert (change.before, change.after, change.segments_after) == ("en", "da", change.segments_before - 2)
    language, segments, speakers, people, after = state(project)
    assert language == "da"
    assert segments == ["Hvordan gik det?", "Vi talte bl.a. om søvn.", "Det var ca. tre uger.", "Tilliden voksede.",
                        "Og for mig hjalp det f.eks. om aftenen."]
    assert speakers == [("Intervieweren", "interviewer", None), ("Deltager 3", "participant", "P03"),
                        ("Speaker 2", "participant", "P07")]  # mapped by hand at import: kept
    assert people == ["P03", "P07"]  # "Deltager 3" and "Intervieweren" as people are gone
    assert after == codings  # codings are offsets into the text: untouched
    assert set_source_language(project, "samtale", "DA").summary() == "samtale: already da"


def _code(project) -> str:  # type: ignore[no-untyped-def]
    """Load the test codebook; the key of a code to apply."""
    import tempfile
    from pathlib import Path

    from tests.conftest import CODEBOOK_YAML
    from workbench.services.codebook.files import load_codebook

    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "book.yaml"
        book.write_text(CODEBOOK_YAML, encoding="utf-8")
        load_codebook(project, book)
    return "bond"


def test_bad_codes_and_names_change_nothing(project, tmp_path):
    path = tmp_path / "samtale.txt"
    path.write_text(DANISH, encoding="utf-8")
    import_paths(project, [path])
    before = state(project)
    with pytest.raises(WorkbenchError, match="unknown language 'dk'"):
        set_source_language(project, "samtale", "dk")
    with pytest.raises(NotFoundError, match="no source 'nope'"):
        set_source_language(project, "nope", "da")
    assert state(project) == before


def test_a_handout_keeps_each_sources_language_and_a_merged_new_source_keeps_its_own(project, tmp_path):
    from tests.services.handout_builders import build
    from workbench.services.handout.create import make_handout
    from workbench.services.handout.merge import merge_file
    from workbench.store.engine import Project

    project.actor = "lead"
    build(project, tmp_path)
    path = tmp_path / "samtale.txt"
    path.write_text(DANISH, encoding="utf-8")
    import_paths(project, [path], ImportOptions(language="da"))
    out = tmp_path / "handout-ana.db"
    make_handout(project, out, "ana")
    handout = Project.open(str(out), create=False)
    handout.actor = "ana"
    with handout.session() as session:
        assert session.scalar(select(Source.language).where(Source.name == "samtale")) == "da"
    (tmp_path / "ny.txt").write_text("Deltager 9: Vi skrev f.eks. dagbog. Det hjalp.\n", encoding="utf-8")
    import_paths(handout, [tmp_path / "ny.txt"], ImportOptions(language="da", processes=1))
    handout.close()
    report = merge_file(project, out, add_sources=True)
    assert report.sources_added == ("ny",)
    with project.session() as session:
        ny = session.scalar(select(Source).where(Source.name == "ny"))
        segments = [ny.text[s.start : s.end] for s in session.scalars(select(Segment).where(Segment.source_id == ny.id))]
    assert ny.language == "da" and segments == ["Vi skrev f.eks. dagbog.", "Det hjalp."]


def test_a_source_deleted_while_its_text_is_split_again_is_a_conflict_not_a_crash(project, tmp_path, monkeypatch):
    """The text is split outside the transaction (spaCy is slow); a source gone by then is said so, nothing written."""
    from sqlalchemy import delete

    from workbench.errors import ConflictError
    from workbench.services.importing import texts

    path = tmp_path / "samtale.txt"
    path.write_text(DANISH, encoding="utf-8")
    import_paths(project, [path])
    split = texts.segment_bodies

    def split_while_someone_deletes_the_source(*args, **kwargs):  # type: ignore[no-untyped-def]
        with project.session() as session:
            session.execute(delete(Source).where(Source.name == "samtale"))
        return split(*args, **kwargs)

    monkeypatch.setattr(texts, "segment_bodies", split_while_someone_deletes_the_source)
    with pytest.raises(ConflictError, match="source 'samtale' was deleted meanwhile"):
        set_source_language(project, "samtale", "da")
    with project.session() as session:
        assert session.scalar(select(Source)) is None
        assert session.scalar(select(Segment)) is None  # no segments written for the source that is gone
