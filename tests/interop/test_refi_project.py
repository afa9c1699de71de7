"""Project import (.qdpx/.qde): what is kept, positions, tolerance, and one transaction."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from tests.interop.builders import DATA, NVIVO_QUOTES, make_zip, minimal_project, nvivo_like, selection, text_source
from workbench.errors import InputError
from workbench.interop import import_refi
from workbench.services.importing.batch import import_paths
from workbench.store.models import Code, Coder, Coding, Memo, Participant, Source, Theme


def _codings(project):
    with project.session() as session:
        return sorted(
            (c.source.name, c.code.name, c.coder.name, c.source.text[c.start : c.end], c.memo)
            for c in session.scalars(select(Coding))
        )


def test_the_full_fixture_keeps_what_the_workbench_can_hold(project, tmp_path):
    report = import_refi(project, DATA / "full_project.qde")
    assert _codings(project) == [
        ("Interview A", "Anger", "Bob Jr.", "The app helped me a lot.", "Why anger\n\nAnger at the app?"),
        ("Interview A", "Joy", "Alice", "It was fine", "comment A\n\nNote one\n\nFirst note.\n\nLinked to the first selection."),
        ("Interview A", "Joy", "Bob Jr.", "The app helped me a lot.", None),
        ("Interview A", "Places", "Alice", "Interviewer: How was it?\nP01: It was fine, mostly.\nP01: The app helped me a lot.\n", None),
    ]
    with project.session() as session:
        memos = sorted((m.target_kind, m.text) for m in session.scalars(select(Memo)))
        participant = session.scalars(select(Participant).where(Participant.pid == "P01")).one()
        attributes = {a.key: a.value for a in participant.attributes}
        theme = session.scalars(select(Theme)).one()
        theme_codes = sorted(c.name for c in theme.codes)
        folder = session.scalars(select(Code).where(Code.name == "Feelings")).one()
    assert memos == [
        ("code", "Joy memo: use sparingly."),
        ("participant", "Keen user of the app."),
        ("project", "Loose\n\nNot attached to anything."),
        ("project", "Project note\n\nStudy-wide memo."),
        ("source", "About the source\n\nRecorded at home."),
        ("source", "On characters 43–49 («mostly»):\n\nonly a comment"),
    ]
    assert attributes == {"Age": "34", "Group": "A"}
    assert theme.name == "Emotions" and theme_codes == ["Anger", "Joy"]
    assert not folder.codable  # a non-codable folder in the file
    skipped = dict(report.skipped)
    assert skipped["picture region selections"] == 1 and skipped["codings on picture region selections"] == 1
    assert skipped["cases without a name (document variables)"] == 1
    assert skipped["links between codes, sources or selections"] == 1 and skipped["graphs (diagrams)"] == 1
    assert report.codings_added == 4 and report.memos_added == 6


def test_reimporting_the_same_file_adds_nothing(project):
    import_refi(project, DATA / "full_project.qde")
    before = table_counts(project)
    again = import_refi(project, DATA / "full_project.qde")
    assert again.codings_added == 0 and again.codings_present == 4 and again.sources_added == ()
    after = table_counts(project)
    assert {k: v for k, v in after.items() if k not in ("memo", "audit_entry")} == {
        k: v for k, v in before.items() if k not in ("memo", "audit_entry")
    }


@pytest.mark.parametrize("origin", ["NVivo for Windows 12.6", "Some tool"])
def test_nvivo_utf16_crlf_bom_and_capitalised_layout_land_on_the_right_text(project, tmp_path, origin):
    path = nvivo_like(tmp_path / "nvivo.qdpx", origin=origin)
    report = import_refi(project, path)
    expected = sorted((("Positive", "Negative")[i % 2], quote) for i, quote in enumerate(NVIVO_QUOTES))
    assert sorted((c[1], c[3]) for c in _codings(project)) == expected
    with project.session() as session:
        source = session.scalars(select(Source)).one()
        assert not source.text.startswith("\ufeff") and "\r" not in source.text
    assert "UTF-16 units, CRLF counted as 2" in report.positions[0]


def test_bare_paths_relative_and_absolute_references(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "abs.txt").write_text("Absolute text here", encoding="utf-8")
    (tmp_path / "rel.txt").write_text("Relative text here", encoding="utf-8")
    sources = (
        text_source("40000000-0000-0000-0000-000000000001", "bare.txt", selection(0, 4), name="")
        + text_source("40000000-0000-0000-0000-000000000002", "relative:///rel.txt", name="Rel")
        + text_source("40000000-0000-0000-0000-000000000003", f"absolute://{outside / 'abs.txt'}", name="Abs")
        + text_source("40000000-0000-0000-0000-000000000004", "internal://missing.txt", name="Gone")
    )
    path = make_zip(tmp_path / "p.qdpx", {"project.qde": minimal_project(sources=sources), "sources/bare.txt": "Bare text"})
    report = import_refi(project, path)
    with project.session() as session:
        names = sorted(session.scalars(select(Source.name)))
    assert names == ["Abs", "Rel", "bare"]
    assert _codings(project) == [("bare", "Topic", "Ann", "Bare", None)]
    assert dict(report.skipped)["texts (sources, PDF texts, transcripts) without their plain text"] == 1
    assert any("Gone" in w and "missing" in w for w in report.warnings)
    assert sum("outside the package" in w for w in report.warnings) == 2


def test_external_files_other_than_txt_are_not_read(project, tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE KEY", encoding="utf-8")
    sources = text_source("40000000-0000-0000-0000-000000000001", f"absolute://{secret}", name="Key")
    report = import_refi(project, make_zip(tmp_path / "p.qdpx", {"project.qde": minimal_project(sources=sources)}))
    assert report.sources_added == ()
    assert any("must be a .txt" in w for w in report.warnings)


def test_media_pdf_and_picture_selections_are_counted_never_dropped_silently(project):
    report = import_refi(project, DATA / "full_project.qde")
    text = "\n".join(report.lines())
    assert "skipped (the workbench cannot hold these)" in text and "picture region selections: 1" in text


def test_unattributed_codings_get_a_coder(project, tmp_path):
    qde = minimal_project(
        users='<User guid="10000000-0000-0000-0000-000000000002" name="Bo" />',
        sources=text_source("40000000-0000-0000-0000-000000000001", "internal://a.txt",
                            selection(0, 3).replace(' creatingUser="10000000-0000-0000-0000-000000000001"', "")),
    )
    import_refi(project, make_zip(tmp_path / "p.qdpx", {"project.qde": qde, "sources/a.txt": "One two"}))
    assert _codings(project) == [("Doc", "Topic", "unattributed", "One", None)]


def test_a_failure_late_in_the_import_leaves_the_project_unchanged(project, monkeypatch):
    import workbench.interop.qdpx_import as module

    def fail(*args, **kwargs):
        raise InputError("full_project.qde", "simulated failure after codings were written")

    monkeypatch.setattr(module, "merge_sets", fail)
    before = table_counts(project)
    with pytest.raises(InputError, match="simulated"):
        import_refi(project, DATA / "full_project.qde")
    assert table_counts(project) == before


def test_import_paths_routes_refi_files_and_folders_stay_transcripts_only(project, tmp_path, interview_file):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(DATA / "codebook_sets.qdc", folder / "book.qdc")
    shutil.copy(interview_file, folder / "P01-interview.txt")
    report = import_paths(project, [folder])
    assert [r.path for r in report.imported] == [str(folder / "P01-interview.txt")]
    report = import_paths(project, [folder / "book.qdc", DATA / "full_project.qde"])
    assert [r.status for r in report.results] == ["imported", "imported"]
    assert "REFI-QDA codebook" in report.results[0].message
    with project.session() as session:
        assert session.scalar(select(Coder).where(Coder.name == "Alice")) is not None


def test_cli_import_and_export(db_location, tmp_path):
    from workbench.cli import main

    db = db_location
    assert main(["--db", db, "import", str(DATA / "full_project.qde")]) == 0
    assert main(["--db", db, "export", "qdpx", str(tmp_path / "out.qdpx")]) == 0
    assert main(["--db", db, "export", "codebook", str(tmp_path / "out.qdc")]) == 0
    assert (tmp_path / "out.qdpx").exists() and (tmp_path / "out.qdc").exists()
    assert main(["--db", db, "import", str(DATA / "xxe.qdc")]) == 1  # reported as failed, exit 1


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4",
                                       "urn:QDA-XML:project:0:10", None])
def test_namespace_variants_read_alike(project, tmp_path, namespace):
    qde = minimal_project(sources=text_source("40000000-0000-0000-0000-000000000001", "a.txt", selection(0, 3)))
    qde = qde.replace('xmlns="urn:QDA-XML:project:1.0"', f'xmlns="{namespace}"' if namespace else "")
    report = import_refi(project, make_zip(tmp_path / "ns.qdpx", {"project.qde": qde, "Sources/A.TXT": "One two"}))
    assert _codings(project) == [("Doc", "Topic", "Ann", "One", None)]
    if namespace is None:
        assert any("no QDA-XML namespace; read anyway" in w for w in report.warnings)
    else:
        assert report.warnings == ()
