"""``workbench handout`` and ``workbench merge`` from the command line: the round trip, and bad input
(one line naming the file, exit 2, nothing changed in the project nor in the file)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.harness import run
from tests.cli.test_bad_input import fingerprint
from tests.conftest import CODEBOOK_YAML, INTERVIEW_TXT


@pytest.fixture
def study(tmp_path, monkeypatch, capsys) -> Path:  # SQLite: these tests hand out, swap and refuse files by their content
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
    (tmp_path / "book.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    (tmp_path / "P01-interview.txt").write_text(INTERVIEW_TXT, encoding="utf-8")
    (tmp_path / "ben.csv").write_text("source,code,start,end,coder,memo\nP01-interview,bond,75,112,ben,\n", encoding="utf-8")
    db = tmp_path / "p.db"
    for argv in (["import", "P01-interview.txt"], ["codebook", "load", "book.yaml"], ["codings", "import", "ben.csv"]):
        assert run(capsys, "--db", str(db), "--coder", "lead", *argv)[0] == 0
    return db


def test_round_trip_on_the_command_line(study, tmp_path, capsys):
    code, out, _ = run(capsys, "--db", str(study), "--coder", "lead", "handout", "ana.db", "--coder", "ana")
    assert code == 0 and "handout for ana written (1 sources" in out and "workbench merge ana.db" in out
    # ana codes in her handout; with no --coder the handout's coder is the default
    (tmp_path / "ana.csv").write_text(
        "source,code,start,end,coder,memo\nP01-interview,bond,75,112,,warm start\nP01-interview,Feeling judged,150,180,,\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "--db", "ana.db", "codings", "import", "ana.csv", "--create-missing-codes")
    assert code == 0 and "2 codings imported for ana" in out
    handout_bytes = (tmp_path / "ana.db").read_bytes()
    before = fingerprint(study)
    code, out, _ = run(capsys, "--db", str(study), "merge", "ana.db", "--dry-run")
    assert code == 0 and "would merge" in out and "ana: 2 codings added" in out and fingerprint(study) == before
    code, out, _ = run(capsys, "--db", str(study), "--coder", "lead", "merge", "ana.db")
    assert code == 0 and "ana: 2 codings added, 0 already present" in out
    assert "new: Inductive codes / Feeling judged" in out
    after = fingerprint(study)
    code, out, _ = run(capsys, "--db", str(study), "--coder", "lead", "merge", "ana.db")
    assert code == 0 and "ana: 0 codings added, 2 already present" in out and fingerprint(study) == after
    assert (tmp_path / "ana.db").read_bytes() == handout_bytes  # the file merged is only read
    code, out, _ = run(capsys, "--db", str(study), "agreement", "--coders", "ana", "ben", "--resamples", "0")
    assert code == 0 and "bond" in out
    code, out, _ = run(capsys, "--db", str(study), "codings", "export", "all.csv")
    rows = (tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()
    assert sum(",ana," in row for row in rows) == 2 and sum(",ben," in row for row in rows) == 1


def _other_project_handout(tmp_path: Path, capsys) -> Path:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(tmp_path / "P01-interview.txt", other / "P01-interview.txt")
    assert run(capsys, "--db", str(other / "o.db"), "import", str(other / "P01-interview.txt"))[0] == 0
    assert run(capsys, "--db", str(other / "o.db"), "handout", str(other / "h.db"), "--coder", "ana")[0] == 0
    return other / "h.db"


def _newer_schema(tmp_path: Path, capsys, study: Path) -> Path:
    assert run(capsys, "--db", str(study), "handout", "future.db", "--coder", "ana")[0] == 0
    connection = sqlite3.connect(tmp_path / "future.db")
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    return tmp_path / "future.db"


def _foreign_sqlite(tmp_path: Path, capsys, study: Path) -> Path:
    connection = sqlite3.connect(tmp_path / "photos.db")
    connection.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, name TEXT)")
    connection.commit()
    connection.close()
    return tmp_path / "photos.db"


def _text(tmp_path: Path, capsys, study: Path) -> Path:
    (tmp_path / "notes.db").write_text("my notes, not a database", encoding="utf-8")
    return tmp_path / "notes.db"


BAD = {
    "not a project": (_text, [], "is not a workbench project or a REFI-QDA file"),
    "another tool's database": (_foreign_sqlite, [], "is not a workbench project or a REFI-QDA file"),
    "a newer schema": (_newer_schema, [], "was made by a newer version of the workbench"),
    "another project's handout": (lambda t, c, s: _other_project_handout(t, c), [], "is a handout from another project"),
    "itself": (lambda t, c, s: s, [], "is this project itself"),
    "missing": (lambda t, c, s: t / "nowhere.db", [], "no such file"),
    "a codebook": (lambda t, c, s: (t / "book.qdc").write_text("<x/>") and t / "book.qdc", [], "not coded work"),
    "unknown coder": (lambda t, c, s: (run(c, "--db", str(s), "handout", "h2.db", "--coder", "ana"), t / "h2.db")[1],
                      ["--coder", "nobody"], "has no coder 'nobody'"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_merge_input_is_one_line_and_changes_nothing(study, tmp_path, capsys, case):
    make, extra, fragment = BAD[case]
    path = make(tmp_path, capsys, study)
    capsys.readouterr()
    before = fingerprint(study)
    file_before = path.read_bytes() if path.is_file() else None
    code, out, err = run(capsys, "--db", str(study), "merge", str(path), *extra)
    assert code == 2 and fragment in err, err
    assert str(path) in err and err.count("\n") == 1 and "Traceback" not in err
    assert fingerprint(study) == before
    if file_before is not None:
        assert path.read_bytes() == file_before


def test_force_merges_another_projects_handout_by_text(study, tmp_path, capsys):
    handout = _other_project_handout(tmp_path, capsys)
    (tmp_path / "c.csv").write_text("source,code,start,end,coder,memo\nP01-interview,task,20,40,ana,\n", encoding="utf-8")
    assert run(capsys, "--db", str(handout), "codebook", "load", "book.yaml")[0] == 0
    assert run(capsys, "--db", str(handout), "codings", "import", "c.csv")[0] == 0
    code, out, err = run(capsys, "--db", str(study), "merge", str(handout), "--force")
    assert code == 0 and "ana: 1 codings added" in out and "1 matched by their text" in out, err


def test_handout_refuses_an_existing_file_and_a_wrong_name(study, tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(study), "handout", str(study), "--coder", "ana")
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "--db", str(study), "handout", "ana.qdpx", "--coder", "ana")
    assert code == 2 and "ending in .db" in err
    code, _, err = run(capsys, "--db", str(study), "handout", "x.db", "--coder", "a,b")
    assert code == 2 and "not usable" in err and not (tmp_path / "x.db").exists()
