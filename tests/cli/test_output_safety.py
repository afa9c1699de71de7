"""Issue 11, what leaves the project: terminal escapes (item 1, CLI), spreadsheet formulas (2),
passwords (4), exports over the project (5). Every attack is built here."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL
from workbench.cli import main

TITLE = "\x1b]0;PWNED\x07"
CLEAR = "\x1b[2J\x1b[H"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
C1_CSI = "\x9b31m"
TRANSCRIPT = f"Interviewer: Hello {TITLE}there\nP01: I felt {CLEAR}cleared {C1_CSI}and {CLIPBOARD}copied.\n"
SOURCE = "P01-inter\x1b[31mview"
CODEBOOK = (
    "codebook: Hostile\ncodes:\n"
    '  - id: bond\n    name: "Bond \\e]0;CODE\\a"\n    definition: "=HYPERLINK(\\"http://evil\\",\\"x\\")"\n'
    "  - id: task\n    name: '=cmd|'' /C calc''!A0'\n"
)
CONTROL = {*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)}


def raw_controls(text: str) -> list[str]:
    return sorted({repr(ch) for ch in text if ord(ch) in CONTROL})


class Terminal(io.StringIO):
    """Captured output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch, capsys) -> Path:
    """A project whose file name, transcript, speaker attributes, code names and memo carry escapes and formulas."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "ana")
    db = tmp_path / "p.db"
    (tmp_path / f"{SOURCE}.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "people.csv").write_text(f"participant,role\nP01,=1+1{TITLE}\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    assert main(["--db", str(db), "import", f"{SOURCE}.txt", "--attributes", "people.csv"]) == 0
    assert main(["--db", str(db), "codebook", "load", "book.yaml"]) == 0
    start = TRANSCRIPT.index("Hello")
    rows = [
        ["source", "code", "start", "end", "coder", "memo"],
        [SOURCE, "bond", start, start + 10, "ana", f"=HYPERLINK(\"http://evil\"){TITLE}"],
        [SOURCE, "task", start, start + 5, "ana", "-2+3+cmd|' /C calc'!A0"],
        [SOURCE, "task", start + 1, start + 6, "ana", "''=already quoted"],  # stored as '=already quoted
        [SOURCE, "bond", start + 2, start + 7, "ana", "@SUM(A1)"],
        [SOURCE, "bond", start + 3, start + 8, "ana", "+Plus first"],
        [SOURCE, "bond", start + 4, start + 9, "ana", "-0.25"],
    ]
    with (tmp_path / "codings.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["--db", str(db), "codings", "import", "codings.csv"]) == 0
    (tmp_path / "themes.yaml").write_text(
        "themes:\n  - label: F1\n    name: '=HYPERLINK(\"http://evil\",\"click\")'\n    type: facilitator\n"
        "    codes: [bond, task]\n",
        encoding="utf-8",
    )
    assert main(["--db", str(db), "themes", "load", "themes.yaml"]) == 0
    capsys.readouterr()
    return db


# --- item 1: terminal escapes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["sources"], ["participants"], ["codebook", "show"], ["audit"], ["text", SOURCE], ["text", "no such \x1b]0;x\x07"],
     ["import", f"{SOURCE}.txt"]],
    ids=["sources", "participants", "codebook", "audit", "text", "error", "import-summary"],
)
def test_no_control_character_reaches_a_terminal(hostile, monkeypatch, command):
    out, err = Terminal(), Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    main(["--db", str(hostile), *command])
    printed = out.getvalue() + err.getvalue()
    assert raw_controls(printed) == []
    assert "␛" in printed  # shown, not dropped


def test_text_on_a_terminal_is_escaped_one_for_one_and_exact_into_a_pipe(hostile, monkeypatch, capsys):
    assert main(["--db", str(hostile), "text", SOURCE]) == 0
    assert capsys.readouterr().out == TRANSCRIPT  # a pipe or file: the stored text, byte for byte
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["--db", str(hostile), "text", SOURCE]) == 0
    shown = terminal.getvalue()
    assert len(shown) == len(TRANSCRIPT)  # one visible character per control: columns are offsets
    assert "Hello ␛]0;PWNED␇there" in shown and "cleared �31mand" in shown


def test_json_output_is_exact_and_escapes_every_control(hostile, capsys):
    assert main(["--db", str(hostile), "sources", "--json"]) == 0
    out = capsys.readouterr().out
    assert raw_controls(out) == []
    assert json.loads(out)[0]["name"] == SOURCE
    assert main(["--db", str(hostile), "participants", "--json"]) == 0
    out = capsys.readouterr().out
    assert raw_controls(out) == [] and json.loads(out)[0]["attributes"]["role"] == f"=1+1{TITLE}"


def test_import_progress_names_the_file_visibly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"{SOURCE}.txt").write_bytes(b"\x00\x01\x02binary\x1b]0;x\x07" * 50)
    out, err = Terminal(), Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    main(["--db", str(tmp_path / "p.db"), "import", f"{SOURCE}.txt"])
    assert raw_controls(out.getvalue() + err.getvalue()) == []
    assert "P01-inter␛[31mview.txt" in err.getvalue()


# --- item 2: spreadsheet formulas ----------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "", 1).isdigit(), cell


def test_codings_csv_quotes_formulas_and_imports_them_back_exactly(hostile, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["--db", str(hostile), "codings", "export", str(out)]) == 0
    rows = cells(out)
    assert_no_formula(rows)
    memos = {row[5] for row in rows[1:]}
    assert f"'=HYPERLINK(\"http://evil\"){TITLE}" in memos and "'-2+3+cmd|' /C calc'!A0" in memos
    assert "''=already quoted" in memos and "'@SUM(A1)" in memos and "'+Plus first" in memos and "-0.25" in memos
    # round trip: into a new project, the memos are exactly the stored ones
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "import", f"{SOURCE}.txt"]) == 0
    assert main(["--db", str(fresh), "codebook", "load", "book.yaml"]) == 0
    assert main(["--db", str(fresh), "codings", "import", str(out)]) == 0
    again = tmp_path / "again.csv"
    assert main(["--db", str(fresh), "codings", "export", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    import sqlite3

    stored = {m for (m,) in sqlite3.connect(fresh).execute("SELECT memo FROM coding")}
    assert stored == {m for (m,) in sqlite3.connect(hostile).execute("SELECT memo FROM coding")}


def test_audit_and_segments_csv_quote_formulas(hostile, tmp_path):
    audit = tmp_path / "audit.csv"
    assert main(["--db", str(hostile), "audit", "--csv", str(audit)]) == 0
    assert_no_formula(cells(audit))
    segments = tmp_path / "segments.csv"
    assert main(["--db", str(hostile), "export", "segments", str(segments)]) == 0
    rows = cells(segments)
    assert_no_formula(rows)
    assert any(cell == "'=cmd|' /C calc'!A0" for row in rows for cell in row)  # the code name


def test_agreement_csv_quotes_formulas(hostile, tmp_path):
    second = tmp_path / "ben.csv"  # a second coder with the same codings, so there is agreement to report
    second.write_text((tmp_path / "codings.csv").read_text(encoding="utf-8").replace(",ana,", ",ben,"), encoding="utf-8")
    assert main(["--db", str(hostile), "codings", "import", str(second)]) == 0
    out = tmp_path / "agreement.csv"
    assert main(["--db", str(hostile), "export", "agreement", str(out), "--coders", "ana", "ben", "--resamples", "0"]) == 0
    rows = cells(out)
    assert_no_formula(rows)
    assert any(cell.startswith("'=cmd") for row in rows for cell in row)


def test_taguette_codebook_csv_quotes_formulas_and_loads_them_back_exactly(hostile, tmp_path):
    out = tmp_path / "codebook.csv"
    assert main(["--db", str(hostile), "export", "codebook", str(out), "--separator", "::"]) == 0
    rows = cells(out)
    assert_no_formula(rows)
    assert ["'=cmd|' /C calc'!A0", ""] in rows
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "codebook", "load", str(out), "--separator", "::"]) == 0
    again = tmp_path / "again.csv"
    assert main(["--db", str(fresh), "export", "codebook", str(again), "--separator", "::"]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_tables_quote_formulas_in_csv_and_write_text_cells_in_xlsx(hostile, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    for what in ("themes", "matrix", "codes"):
        out = tmp_path / f"{what}.csv"
        assert main(["--db", str(hostile), "export", "table", str(out), "--what", what]) == 0
        assert_no_formula(cells(out))
        book = tmp_path / f"{what}.xlsx"
        assert main(["--db", str(hostile), "export", "table", str(book), "--what", what]) == 0
        sheet = openpyxl.load_workbook(book).active
        kinds = {cell.data_type for row in sheet.iter_rows() for cell in row}
        assert "f" not in kinds
        texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
        assert any(value.startswith("=HYPERLINK") or value.startswith("F1") for value in texts)
    book = tmp_path / "segments.xlsx"
    assert main(["--db", str(hostile), "export", "segments", str(book)]) == 0
    sheet = openpyxl.load_workbook(book).active
    values = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row}
    # the memo as text; an .xlsx cannot hold ESC or BEL, so they are written as the terminal shows them
    assert values['=HYPERLINK("http://evil")␛]0;PWNED␇'] == "s"
    assert "f" not in values.values()


# --- item 5: no export over the project ----------------------------------------------------------

WRITERS = {
    "codings export": lambda out: ["codings", "export", out],
    "audit --csv": lambda out: ["audit", "--csv", out],
    "themes export": lambda out: ["themes", "export", out],
    "export qdpx": lambda out: ["export", "qdpx", out],
    "backup": lambda out: ["backup", out],
}


def snapshot(folder: Path) -> tuple:
    """The project's files by inode (a write over one replaces it), its rows, and the backup's bytes."""
    import sqlite3

    # -wal and -shm are left out: SQLite itself deletes and recreates them when the last connection closes
    # (as the check below does), so their inodes change whoever writes; the refusal is asserted separately.
    inodes = {p.name: p.stat().st_ino for p in sorted(folder.iterdir())
              if p.name.startswith("p.db") and not p.name.endswith(("-wal", "-shm"))}
    connection = sqlite3.connect(folder / "p.db")
    rows = connection.execute("SELECT count(*), sum(length(memo)) FROM coding").fetchone()
    integrity = connection.execute("PRAGMA integrity_check").fetchone()
    connection.close()
    return inodes, rows, integrity, (folder / "p.db.bak-0003-20260101-000000").read_bytes()


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("target", ["p.db", "p.db-wal", "p.db-shm", "p.db.bak-0003-20260101-000000", "link.db", "hard.db"])
def test_no_command_writes_over_the_project_its_journal_or_backups(hostile, tmp_path, capsys, writer, target):
    (tmp_path / "p.db.bak-0003-20260101-000000").write_bytes(hostile.read_bytes())
    (tmp_path / "p.db-wal").touch()
    (tmp_path / "p.db-shm").touch()
    if target == "link.db":
        (tmp_path / "link.db").symlink_to(hostile)
    if target == "hard.db":
        os.link(hostile, tmp_path / "hard.db")
    before = snapshot(tmp_path)
    out = tmp_path / target
    if writer == "export qdpx":  # it insists on .qdpx: reach the project through a link of that name
        out = tmp_path / "project.qdpx"
        out.symlink_to(tmp_path / target)
    code = main(["--db", str(hostile), *WRITERS[writer](str(out))])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "is the project" in err or "is the same file as the project" in err or "SQLite database" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_export_does_not_overwrite_another_project_either(hostile, tmp_path, capsys):
    import sqlite3

    other = tmp_path / "other.db"  # a database this process never opened
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    connection.commit()
    connection.close()
    before = other.read_bytes()
    assert main(["--db", str(hostile), "codings", "export", str(other)]) == 2
    assert "is a SQLite database" in capsys.readouterr().err
    assert other.read_bytes() == before


# --- item 4: passwords ---------------------------------------------------------------------------


def pg_url_with_password(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(password="hunter2", database=database).render_as_string(hide_password=False)


@pytest.mark.skipif(not PG_URL, reason="needs $WORKBENCH_TEST_PG_URL")
@pytest.mark.parametrize("command", [["sources"], ["init"], ["text", "x"], ["codings", "export", "out.csv"]])
def test_a_missing_postgresql_database_is_reported_without_the_password_or_folders(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    code = main(["--db", pg_url_with_password("no_such_database_i11"), *command])
    err = capsys.readouterr().err
    assert code == 2
    assert "hunter2" not in err and ":***@" in err
    assert "folder" not in err
    assert "no_such_database_i11" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "url",
    ["postgresql+nodriver://ana:hunter2@localhost/study", "postgresql+psycopg://ana:hunter2@127.0.0.1:1/study?connect_timeout=2",
     "mysql://ana:hunter2@localhost/study"],
)
def test_every_error_path_masks_the_password(tmp_path, monkeypatch, capsys, url):
    monkeypatch.chdir(tmp_path)
    code = main(["--db", url, "sources"])
    err = capsys.readouterr().err
    assert code != 0
    assert "hunter2" not in err and len(err.strip().splitlines()) == 1
    assert "folder" not in err


# --- Word documents: control characters XML cannot hold --------------------------------------------


def test_word_exports_show_control_characters_instead_of_failing(hostile, tmp_path):
    from docx import Document

    second = tmp_path / "ben.csv"
    second.write_text((tmp_path / "codings.csv").read_text(encoding="utf-8").replace(",ana,", ",ben,"), encoding="utf-8")
    assert main(["--db", str(hostile), "codings", "import", str(second)]) == 0
    exports = {
        "segments.docx": ["export", "segments"], "codebook.docx": ["export", "codebook"], "themes.docx": ["export", "themes", "--coder", "ana"],
        "agreement.docx": ["export", "agreement", "--coders", "ana", "ben", "--resamples", "0"],
    }
    for name, command in exports.items():
        out = tmp_path / name
        assert main(["--db", str(hostile), *command[:2], str(out), *command[2:]]) == 0, name
        document = Document(str(out))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
        assert "␛" in text and "\x1b" not in text, name
    segments = "\n".join(p.text for p in Document(str(tmp_path / "segments.docx")).paragraphs)
    assert "“Hello ␛]0;”" in segments  # the quote: ESC shown, every other character as stored
