"""The codings CSV: round trip, coders, code references, bad rows."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from tests.conftest import table_counts
from workbench.errors import InputError, NotFoundError
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import export_codings_csv, import_codings_csv
from workbench.services.importing.batch import import_paths
from workbench.store.models import Code, Coding


@pytest.fixture
def coded_project(project, interview_file, codebook_file):
    import_paths(project, [interview_file])
    load_codebook(project, codebook_file)
    return project


def write(tmp_path, rows, name="codings.csv", header="source,code,start,end,coder,memo"):
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_round_trip_keeps_every_coding(coded_project, tmp_path):
    rows = [
        "P01-interview,bond,80,118,ana,trust in the app",
        "P01-interview,Presence,230,270,ben,",  # by name
        "P01-interview,task,119,152,,",  # coder from --coder
        'P01-interview,bond,80,118,ben,"memo, with comma"',
    ]
    report = import_codings_csv(coded_project, write(tmp_path, rows), default_coder="cleo")
    assert report.imported == 4 and report.coders == ["ana", "ben", "cleo"]
    out = tmp_path / "out.csv"
    assert export_codings_csv(coded_project, out) == 4
    with out.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert {(r["code"], r["start"], r["end"], r["coder"], r["memo"]) for r in exported} == {
        ("bond", "80", "118", "ana", "trust in the app"),
        ("bond.presence", "230", "270", "ben", ""),
        ("task", "119", "152", "cleo", ""),
        ("bond", "80", "118", "ben", "memo, with comma"),
    }
    # importing the export again adds nothing
    again = import_codings_csv(coded_project, out, default_coder="cleo")
    assert again.imported == 0 and again.duplicates == 4
    only_ana = tmp_path / "ana.csv"
    assert export_codings_csv(coded_project, only_ana, coder="ana") == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(coded_project, tmp_path):
    rows = [
        "P01-interview,bond,80,118,ana,",  # fine
        "P01-interview,bond,50,40,ana,",  # end before start (line 3)
        "P01-interview,nope,1,5,ana,",  # unknown code (line 4)
        "Missing,bond,1,5,ana,",  # unknown source (line 5)
        "P01-interview,bond,1,99999,ana,",  # past the end (line 6)
    ]
    before = table_counts(coded_project)
    with pytest.raises(InputError) as caught:
        import_codings_csv(coded_project, write(tmp_path, rows), default_coder="ana")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'codings.csv'}:3: end 40 is before start 50")
    assert "lines 4, 5, 6" in message and "nothing was imported" in message
    assert table_counts(coded_project) == before


def test_non_numeric_offsets_and_missing_columns(coded_project, tmp_path):
    with pytest.raises(InputError, match=r":2: start and end must be whole numbers"):
        import_codings_csv(coded_project, write(tmp_path, ["P01-interview,bond,a,5,ana,"]), "ana")
    with pytest.raises(InputError, match=r":1: missing column\(s\) end"):
        import_codings_csv(coded_project, write(tmp_path, ["x,y,1"], header="source,code,start"), "ana")


def test_create_missing_codes_makes_inductive_codes(coded_project, tmp_path):
    rows = ["P01-interview,inductive.feeling_judged,80,118,ana,", "P01-interview,Log-in trouble,119,152,ana,"]
    report = import_codings_csv(coded_project, write(tmp_path, rows), "ana", create_missing=True)
    assert report.created_codes == ["inductive.feeling_judged", "inductive.log_in_trouble"]
    with coded_project.session() as session:
        codes = {c.key: c for c in session.scalars(select(Code))}
        assert codes["inductive.feeling_judged"].origin == "inductive"
        assert codes["inductive.feeling_judged"].parent.key == "inductive"
        assert codes["inductive.log_in_trouble"].name == "Log-in trouble"
        assert session.scalar(select(Coding).where(Coding.code_id == codes["inductive.feeling_judged"].id)).start == 80


def test_export_for_unknown_coder_is_refused(coded_project, tmp_path):
    with pytest.raises(NotFoundError, match="no coder 'zed'"):
        export_codings_csv(coded_project, tmp_path / "x.csv", coder="zed")
    assert not (tmp_path / "x.csv").exists()


# Streaming (issue 11 item 11): chunks inside one transaction, all-or-nothing, audited like any coding.


@pytest.fixture
def small_chunks(monkeypatch):
    from workbench.services.coding import codings_csv

    monkeypatch.setattr(codings_csv, "CHUNK_ROWS", 3)


def _spans(count):
    return [f"P01-interview,bond,{n},{n + 5},ana,memo {n}" for n in range(count)]


def test_a_bad_row_in_a_late_chunk_rolls_back_the_chunks_already_inserted(coded_project, tmp_path, small_chunks):
    rows = _spans(10) + ["P01-interview,bond,9,3,ana,"] + _spans(2) + ["Nope,bond,1,2,ana,"]
    before = table_counts(coded_project)
    with pytest.raises(InputError) as caught:
        import_codings_csv(coded_project, write(tmp_path, rows), "ana")
    assert str(caught.value).startswith(f"{tmp_path / 'codings.csv'}:12: end 3 is before start 9")
    assert "(and 1 more bad rows, lines 15)" in str(caught.value)
    assert table_counts(coded_project) == before


def test_duplicates_across_chunks_and_against_the_project_are_skipped(coded_project, tmp_path, small_chunks):
    first = import_codings_csv(coded_project, write(tmp_path, _spans(7)), "ana")
    assert (first.imported, first.duplicates) == (7, 0)
    again = import_codings_csv(coded_project, write(tmp_path, _spans(7) + _spans(9) + _spans(2)), "ana")
    assert (again.imported, again.duplicates) == (2, 16)
    with coded_project.session() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 9


def test_imported_codings_are_audited_exactly_as_codings_made_one_by_one(coded_project, tmp_path, small_chunks):
    from workbench.services.coding.codings import add_coding
    from workbench.services.project.coders import get_or_create_coder
    from workbench.store.models import AuditEntry, Source

    coded_project.actor = "ana"
    import_codings_csv(coded_project, write(tmp_path, _spans(5)), "ana")
    with coded_project.session() as session:
        source = session.scalars(select(Source)).one()
        code = session.scalar(select(Code).where(Code.key == "bond"))
        add_coding(session, source=source, code=code, coder=get_or_create_coder(session, "ana"), start=40, end=45, memo="memo 40")
    with coded_project.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_kind == "coding").order_by(AuditEntry.id)).all()
        codings = {c.id: c for c in session.scalars(select(Coding))}
        assert len(entries) == 6 and {e.entity_id for e in entries} == set(codings)
        by_orm, by_csv = entries[-1], entries[0]
        assert list(by_csv.after) == list(by_orm.after)  # the same snapshot columns, in the same order
        assert by_csv.after == {**by_orm.after, "id": by_csv.entity_id, "start": 0, "end": 5, "memo": "memo 0"}
        assert (by_csv.action, by_csv.coder_id, by_csv.before) == (by_orm.action, by_orm.coder_id, by_orm.before)
        assert by_csv.at.tzinfo is not None or coded_project.dialect == "sqlite"
        assert codings[by_csv.entity_id].created_at is not None


def test_a_windows_1252_file_and_multi_line_memos_still_read(coded_project, tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes("source,code,start,end,coder,memo\r\nP01-interview,bond,1,5,ana,\"caf\xe9\r\nsecond line\"\r\n"
                     "P01-interview,bond,2,5,ana,x\r\n".encode("cp1252"))
    assert import_codings_csv(coded_project, path, "ana").imported == 2
    with coded_project.session() as session:
        assert session.scalar(select(Coding.memo).where(Coding.start == 1)) == "café\nsecond line"
