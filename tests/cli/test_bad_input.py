"""Every kind of bad input: one clear line (what, where, what to do), exit != 0, no traceback, nothing changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CODEBOOK_YAML
from workbench.cli import main


def fingerprint(db: Path) -> tuple:
    connection = sqlite3.connect(db)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    counts = tuple((t, connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables)
    integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    return counts, integrity


@pytest.fixture
def ready(tmp_path, monkeypatch, interview_file, capsys):  # SQLite: the fingerprint reads the file (integrity_check)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "ana")
    db = tmp_path / "p.db"
    (tmp_path / "book.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    assert main(["--db", str(db), "import", str(interview_file)]) == 0
    assert main(["--db", str(db), "codebook", "load", "book.yaml"]) == 0
    capsys.readouterr()
    return db


CASES = {
    # name: (file name, content, argv after --db, expected fragment)
    "binary named .txt": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["import"], "looks like a binary file"),
    "empty file": ("empty.txt", b"", ["import"], "file is empty"),
    "undecodable text": ("bad.txt", b"P01: \x81\x8d\x8f\x90\x9d", ["import"], "cannot decode byte 0x81"),
    "broken docx": ("broken.docx", b"PK\x03\x04 broken", ["import"], "not a valid .docx"),
    "password-protected docx": ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ["import"], "password-protected"),
    "truncated vtt": ("cut.vtt", b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v P01>Hello</v>\n\n00:00:0", ["import"], "expected a cue timing line"),
    "codebook syntax error": ("b1.yaml", b"codebook: X\ncodes:\n  - id: a\n    name: [oops\n", ["codebook", "load"], "YAML syntax error"),
    "codebook duplicate id": ("b2.yaml", b"codebook: X\ncodes:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", ["codebook", "load"], "duplicate code id 'a'"),
    "codebook unknown parent": ("b3.yaml", b"codebook: X\ncodes:\n  - id: a\n    name: A\n    parent: zz\n", ["codebook", "load"], "unknown parent 'zz'"),
    "codebook cycle": ("b4.yaml", b"codebook: X\ncodes:\n  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n", ["codebook", "load"], "cycle"),
    "codings offsets out of range": ("c1.csv", b"source,code,start,end\nP01-interview,bond,0,99999\n", ["codings", "import"], "past the end of the text"),
    "codings end before start": ("c2.csv", b"source,code,start,end\nP01-interview,bond,30,10\n", ["codings", "import"], "end 10 is before start 30"),
    "codings unknown code": ("c3.csv", b"source,code,start,end\nP01-interview,nope,1,5\n", ["codings", "import"], "no code 'nope'"),
    "codings unknown source": ("c4.csv", b"source,code,start,end\nNowhere,bond,1,5\n", ["codings", "import"], "no source 'Nowhere'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_changes_nothing(ready, tmp_path, capsys, case):
    name, content, command, fragment = CASES[case]
    path = tmp_path / name
    path.write_bytes(content)
    before = fingerprint(ready)
    code = main(["--db", str(ready), *command, str(path)])
    _, err = capsys.readouterr()
    assert code != 0
    assert fragment in err, err
    assert str(path) in err  # says which file
    assert err.count("\n") == 1 and "Traceback" not in err
    assert fingerprint(ready) == before


@pytest.mark.parametrize(
    "db, fragment",
    [
        ("missing-folder/p.db", "does not exist"),
        ("/proc/workbench.db", "cannot open or create the project database"),
    ],
)
def test_unusable_database_paths(tmp_path, monkeypatch, capsys, db, fragment):
    monkeypatch.chdir(tmp_path)
    code = main(["--db", db, "init"])
    _, err = capsys.readouterr()
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_a_file_that_is_not_a_project_is_refused_and_untouched(tmp_path, capsys):
    other = tmp_path / "notes.db"
    other.write_text("my notes, not a database")
    code = main(["--db", str(other), "sources"])
    _, err = capsys.readouterr()
    assert code == 2 and "is not a workbench project" in err
    assert other.read_text() == "my notes, not a database"
