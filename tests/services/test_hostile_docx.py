"""Hostile .docx files (issue 11, items 9 and 14): zip bombs refused before inflating, DOCTYPE/entities refused.

Every package is built here: a real document written by python-docx, then re-zipped with the attack added.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import table_counts
from workbench.errors import InputError
from workbench.guards import GuardedZip, Limits
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.importing.readers import read_transcript


def _docx(path: Path, paragraphs=("Interviewer: How was it?", "P01: Warm, mostly.")) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _rezip(path: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """Rewrite ``path`` with some parts replaced and others added (deflated, as Word does)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts.update(replace)
    parts.update(add)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


def test_a_docx_whose_document_inflates_past_the_ratio_is_refused_before_inflating(tmp_path):
    path = _docx(tmp_path / "bomb.docx")
    body = _document_xml(path)
    paragraph = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>"
    bomb = body.replace(b"</w:body>", paragraph * (8 * 2**20 // len(paragraph)) + b"</w:body>")
    _rezip(path, replace={"word/document.xml": bomb})
    assert path.stat().st_size < 128 * 1024  # a small file that inflates to 8 MiB of paragraphs
    with pytest.raises(InputError, match=r"bomb\.docx: entry 'word/document\.xml' compresses \d+:1.*refused \(zip bomb\?\)"):
        read_transcript(path)


def test_many_small_entries_that_inflate_too_far_together_are_refused(tmp_path):
    path = _docx(tmp_path / "spread.docx")
    _rezip(path, add={f"word/media/image{n}.bin": b"\0" * 2**20 for n in range(12)})  # each under the ratio floor
    with pytest.raises(InputError, match=r"spread\.docx: expands \d+:1 \(\d+ bytes\).*refused \(zip bomb\?\)"):
        read_transcript(path)


def test_too_many_entries_and_too_much_in_total_are_refused_by_the_shared_limits(tmp_path):
    path = _docx(tmp_path / "many.docx")
    _rezip(path, add={f"customXml/item{n}.bin": b"x" for n in range(40)})
    with pytest.raises(InputError, match=r"holds \d+ entries, over the limit of 30; refused"):
        GuardedZip(path, Limits(max_members=30))
    with pytest.raises(InputError, match=r"expands to \d+ bytes, over the limit of 1000; refused"):
        GuardedZip(path, Limits(max_total_bytes=1000))


def test_an_entry_that_inflates_past_its_declared_size_is_stopped(tmp_path):
    path = _docx(tmp_path / "liar.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as package:
        package.writestr("word/media/x.bin", b"y" * 5000)
    data = bytearray(path.read_bytes())
    # shrink the declared size in the central directory to 10 bytes: the header lies
    central = data.rfind(b"word/media/x.bin") - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with GuardedZip(path) as package, pytest.raises(InputError, match=r"expands beyond its declared size|is damaged"):
        package.read(package.zip.getinfo("word/media/x.bin"))


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/hostname">]>',
        b'<!DOCTYPE w:document SYSTEM "http://example.invalid/evil.dtd">',
        b"<!-- <decoy/> --><!DOCTYPE w:document [<!ENTITY name 'Zo\xc3\xab'>]>",
    ],
)
def test_a_docx_declaring_a_doctype_or_entities_is_refused_with_a_clear_message(tmp_path, prolog):
    path = _docx(tmp_path / "xxe.docx")
    body = _document_xml(path)
    declaration_end = body.index(b"?>") + 2
    hostile = body[:declaration_end] + b"\n" + prolog + body[declaration_end:].replace(b"Warm, mostly.", b"Warm, &secret;")
    _rezip(path, replace={"word/document.xml": hostile})
    with pytest.raises(InputError) as caught:
        read_transcript(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: part word/document.xml (line 2) declares a DOCTYPE or entities")
    assert "re-save the document from Word" in message and "\n" not in message


def test_a_utf16_part_with_a_doctype_is_refused_too(tmp_path):
    path = _docx(tmp_path / "utf16.docx")
    core = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    _rezip(path, add={"customXml/item1.xml": core.encode("utf-16")})
    with pytest.raises(InputError, match="declares a DOCTYPE or entities"):
        read_transcript(path)


def test_a_bomb_in_a_batch_fails_that_file_only_and_changes_nothing(project, tmp_path):
    good = _docx(tmp_path / "P01-interview.docx")
    bomb = _rezip(_docx(tmp_path / "P02-interview.docx"), add={"word/media/zeros.bin": b"\0" * (6 * 2**20)})
    before = table_counts(project)
    report = import_paths(project, [bomb], ImportOptions(processes=1))
    assert [r.status for r in report.results] == ["failed"] and "zip bomb" in report.results[0].message
    assert table_counts(project) == before
    report = import_paths(project, [bomb, good], ImportOptions(processes=1))
    assert [r.status for r in report.results] == ["failed", "imported"]


def test_an_ordinary_docx_still_reads(tmp_path):
    assert read_transcript(_docx(tmp_path / "ok.docx")).text == "Interviewer: How was it?\nP01: Warm, mostly."
