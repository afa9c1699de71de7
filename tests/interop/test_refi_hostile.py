"""Hostile and damaged files: each is refused with a clear one-line message and the project unchanged."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from tests.interop.builders import DATA, make_zip, minimal_project, selection, text_source
from workbench.errors import InputError
from workbench.interop import import_refi
from workbench.interop.container import Limits
from workbench.interop.qdpx_import import import_project
from workbench.store.models import Source

GOOD_SOURCE = text_source("40000000-0000-0000-0000-000000000001", "internal://a.txt", selection(0, 3))


def _refused(project, path, pattern: str, **kwargs) -> str:
    before = table_counts(project)
    with pytest.raises(InputError, match=pattern) as caught:
        (import_project(project, path, **kwargs) if kwargs else import_refi(project, path))
    assert table_counts(project) == before
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


@pytest.mark.parametrize("entry", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "..\\evil.txt"])
def test_zip_slip_entries_are_refused(project, tmp_path, entry):
    path = make_zip(tmp_path / "slip.qdpx", {"project.qde": minimal_project(sources=GOOD_SOURCE), "sources/a.txt": "abc", entry: "x"})
    _refused(project, path, r"would escape the extraction folder; refused \(zip slip\)")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symlink_entries_are_refused(project, tmp_path):
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("project.qde", minimal_project(sources=GOOD_SOURCE))
        link = zipfile.ZipInfo("sources/a.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        package.writestr(link, "/etc/passwd")
    _refused(project, path, r"symbolic link; refused \(zip slip\)")


def test_internal_paths_escaping_the_sources_folder_are_refused(project, tmp_path):
    sources = text_source("40000000-0000-0000-0000-000000000001", "internal://../../../etc/passwd")
    path = make_zip(tmp_path / "p.qdpx", {"project.qde": minimal_project(sources=sources)})
    _refused(project, path, r"would escape the sources folder; refused \(zip slip\)")


def test_xxe_inside_a_package_is_refused(project, tmp_path):
    qde = minimal_project().replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE Project [<!ENTITY x SYSTEM "http://example.invalid/x">]>',
    )
    _refused(project, make_zip(tmp_path / "xxe.qdpx", {"project.qde": qde}), r"\[project\.qde\]:1: .*XXE")


def test_billion_laughs_inside_a_package_is_refused(project, tmp_path):
    qde = (DATA / "billion_laughs.qdc").read_text()
    _refused(project, make_zip(tmp_path / "lol.qdpx", {"project.qde": qde}), r"entity expansion")


def test_zip_bomb_by_compression_ratio_is_refused(project, tmp_path):
    path = make_zip(tmp_path / "bomb.qdpx", {"project.qde": minimal_project(), "sources/zeros.txt": b"\0" * (20 * 2**20)})
    _refused(project, path, r"compresses \d+:1.*refused \(zip bomb\?\)")


def test_zip_bomb_by_total_size_is_refused(project, tmp_path):
    path = make_zip(tmp_path / "big.qdpx", {"project.qde": minimal_project(), "sources/a.txt": "word " * 50_000})
    _refused(project, path, r"expands to \d+ bytes, over the limit of 100000; refused", limits=Limits(max_total_bytes=100_000))


def test_too_many_members_are_refused(project, tmp_path):
    path = tmp_path / "many.qdpx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("project.qde", minimal_project())
        for number in range(Limits().max_members):
            package.writestr(f"sources/{number}.txt", "")
    _refused(project, path, r"holds 10001 entries, over the limit of 10000; refused")


@pytest.mark.parametrize(
    ("fragment", "what"),
    [
        ('<CodeRef targetGUID="20000000-0000-0000-0000-000000000001" />',
         '<CodeRef targetGUID="20000000-0000-0000-0000-00000000dead" />'),
        ('creatingUser="10000000-0000-0000-0000-000000000001"', 'creatingUser="10000000-0000-0000-0000-00000000dead"'),
    ],
)
def test_dangling_guids_are_refused(project, tmp_path, fragment, what):
    qde = minimal_project(sources=GOOD_SOURCE).replace(fragment, what)
    path = make_zip(tmp_path / "dangling.qdpx", {"project.qde": qde, "sources/a.txt": "abc"})
    message = _refused(project, path, r"\(dangling GUID\); the file is damaged, re-export it")
    assert "00000000dead" in message


def test_dangling_note_and_set_references_are_refused(project, tmp_path):
    body = '<Sets><Set guid="c0000000-0000-0000-0000-000000000001" name="S"><MemberSource targetGUID="40000000-0000-0000-0000-00000000dead"/></Set></Sets>'
    path = make_zip(tmp_path / "set.qdpx", {"project.qde": minimal_project(body=body)})
    _refused(project, path, r"<MemberSource> points to .*which is not a source")
    body = '<NoteRef targetGUID="20000000-0000-0000-0000-000000000001"/>'  # a code, not a note
    path = make_zip(tmp_path / "note.qdpx", {"project.qde": minimal_project(body=body)})
    _refused(project, path, r"<NoteRef> points to .*which is not a note")


def test_not_a_zip_no_qde_and_ambiguous_qde(project, tmp_path):
    fake = tmp_path / "fake.qdpx"
    fake.write_text("not a zip")
    _refused(project, fake, "is not a zip package")
    _refused(project, make_zip(tmp_path / "none.qdpx", {"sources/a.txt": "x"}), "holds no project.qde")
    two = make_zip(tmp_path / "two.qdpx", {"a.qde": minimal_project(), "b.qde": minimal_project()})
    _refused(project, two, r"several \.qde files \(a\.qde, b\.qde\)")


def test_a_damaged_position_names_the_line(project, tmp_path):
    qde = minimal_project(sources=GOOD_SOURCE).replace('startPosition="0"', 'startPosition="zero"')
    path = make_zip(tmp_path / "bad.qdpx", {"project.qde": qde, "sources/a.txt": "abc"})
    _refused(project, path, r"\[project\.qde\]:\d+: <PlainTextSelection> startPosition='zero' is not a whole number")


def _bare_project(tmp_path, sources: str):
    folder = tmp_path / "study"
    (folder / "sources").mkdir(parents=True)
    (folder / "project.qde").write_text(minimal_project(sources=sources), encoding="utf-8")
    return folder


def test_a_bare_qde_folder_refuses_sources_that_link_outside_it(project, tmp_path):
    """Issue 11 item 3: symlinks in sources/ (absolute or ``..`` targets) are refused per source, by name."""
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE: the neighbour's diary", encoding="utf-8")
    sources = (
        text_source("40000000-0000-0000-0000-000000000001", "internal://good.txt", selection(0, 3), name="Good")
        + text_source("40000000-0000-0000-0000-000000000002", "internal://absolute.txt", name="Absolute")
        + text_source("40000000-0000-0000-0000-000000000003", "internal://dotdot.txt", name="Dotdot")
        + text_source("40000000-0000-0000-0000-000000000004", "bare.txt", name="Bare")
    )
    folder = _bare_project(tmp_path, sources)
    (folder / "sources" / "good.txt").write_text("One two three", encoding="utf-8")
    (folder / "sources" / "absolute.txt").symlink_to(secret)
    (folder / "sources" / "dotdot.txt").symlink_to(Path("..") / ".." / "secret.txt")
    (folder / "bare.txt").symlink_to(secret)
    report = import_refi(project, folder / "project.qde")
    with project.session() as session:
        texts = dict(session.execute(select(Source.name, Source.text)).all())
    assert texts == {"Good": "One two three"}
    warnings = "\n".join(report.warnings)
    for name, entry in [("Absolute", "sources/absolute.txt"), ("Dotdot", "sources/dotdot.txt"), ("Bare", "bare.txt")]:
        assert f"source {name!r} not imported: {entry} is a link to a file outside the project folder" in warnings
    assert "PRIVATE" not in warnings


def test_a_bare_qde_whose_sources_folder_is_a_link_outside_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_text("Not in the project folder", encoding="utf-8")
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "project.qde").write_text(minimal_project(sources=GOOD_SOURCE), encoding="utf-8")
    (folder / "sources").symlink_to(elsewhere, target_is_directory=True)
    report = import_refi(project, folder / "project.qde")
    assert report.sources_added == ()
    assert any("sources/a.txt is a link to a file outside the project folder" in w for w in report.warnings)


def test_links_inside_the_project_folder_still_read(project, tmp_path):
    folder = _bare_project(tmp_path, GOOD_SOURCE)
    (folder / "kept").mkdir()
    (folder / "kept" / "a.txt").write_text("abc def", encoding="utf-8")
    (folder / "sources" / "a.txt").symlink_to(Path("..") / "kept" / "a.txt")
    report = import_refi(project, folder / "project.qde")
    assert len(report.sources_added) == 1
