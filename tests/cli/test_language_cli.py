"""Languages from the command line: init/import --language, sources --json, search, quote marks, errors."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.harness import run

DANISH = (
    "Intervieweren: Hvordan har modulerne været?\n"
    "Deltager 4: Jeg talte bl.a. med min behandler om det. Tilliden voksede f.eks. efter ca. tre uger.\n"
    "Intervieweren: Og hjemmeopgaverne?\n"
    "Deltager 4: Uden tillid går det ikke, mener jeg.\n"
)
SWEDISH = "Intervjuaren: Hur var det?\nDeltagare 2: Förtroendet växte, t.ex. efter mötena.\n"
ENGLISH = "Interviewer: How was it?\nP01: I trusted the app. Trust matters.\n"


@pytest.fixture
def db(tmp_path, monkeypatch):  # SQLite: these tests look at the file (none made by a bad init) and count rows with sqlite3
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    return str(tmp_path / "p.db")




def test_the_project_language_is_the_default_and_a_source_can_have_its_own(db, capsys, tmp_path):
    (tmp_path / "samtale.txt").write_text(DANISH, encoding="utf-8")
    (tmp_path / "samtal.txt").write_text(SWEDISH, encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "init", "--language", "da")
    assert code == 0 and "(language: da, Danish)" in out
    assert run(capsys, "--db", db, "import", str(tmp_path / "samtale.txt"))[0] == 0
    assert run(capsys, "--db", db, "import", str(tmp_path / "samtal.txt"), "--language", "SV")[0] == 0
    code, out, _ = run(capsys, "--db", db, "sources", "--json")
    sources = {s["name"]: s for s in json.loads(out)}
    assert {name: s["language"] for name, s in sources.items()} == {"samtale": "da", "samtal": "sv"}
    assert sources["samtale"]["participants"] == ["P04"] and sources["samtal"]["participants"] == ["P02"]
    assert sources["samtale"]["segments"] == 5  # 1 + 2 + 1 + 1: "bl.a.", "f.eks." and "ca." end no sentence
    code, out, _ = run(capsys, "--db", db, "sources")
    assert any(line.startswith("samtal ") and " sv " in line for line in out.splitlines())


def test_search_is_lemma_aware_in_each_sources_language(db, capsys, tmp_path):
    (tmp_path / "samtale.txt").write_text(DANISH, encoding="utf-8")
    (tmp_path / "P01.txt").write_text(ENGLISH, encoding="utf-8")
    run(capsys, "--db", db, "import", str(tmp_path / "samtale.txt"), "--language", "da")
    run(capsys, "--db", db, "import", str(tmp_path / "P01.txt"))
    code, out, _ = run(capsys, "--db", db, "search", "tillid", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert [(h["source"], h["text"]) for h in hits] == [("samtale", "Tilliden"), ("samtale", "tillid")]
    text = DANISH
    assert all(text[h["start"] : h["end"]] == h["text"] and h["language"] == "da" for h in hits)
    code, out, _ = run(capsys, "--db", db, "search", "trust", "--source", "P01")
    assert code == 0 and "[trusted]" in out and "[Trust]" in out and out.rstrip().endswith("2 hits in 1 source")
    code, out, _ = run(capsys, "--db", db, "search", "tillid", "--source", "P01", "--json")
    assert json.loads(out) == {"query": "tillid", "hits": []}


def test_search_inside_a_codes_codings(db, capsys, tmp_path, codebook_file):
    (tmp_path / "samtale.txt").write_text(DANISH, encoding="utf-8")
    run(capsys, "--db", db, "import", str(tmp_path / "samtale.txt"), "--language", "da")
    run(capsys, "--db", db, "codebook", "load", str(codebook_file))
    start = DANISH.index("Tilliden")
    end = DANISH.index("uger.") + 5
    (tmp_path / "c.csv").write_text(f"source,code,start,end\nsamtale,bond.presence,{start},{end}\n", encoding="utf-8")
    assert run(capsys, "--db", db, "codings", "import", str(tmp_path / "c.csv"))[0] == 0
    code, out, _ = run(capsys, "--db", db, "search", "tillid", "--code", "bond", "--json")  # bond.presence is under bond
    assert [h["text"] for h in json.loads(out)["hits"]] == ["Tilliden"]
    code, out, _ = run(capsys, "--db", db, "search", "tillid", "--code", "task", "--json")
    assert json.loads(out)["hits"] == []
    code, _, err = run(capsys, "--db", db, "search", "tillid", "--code", "nope")
    assert code == 2 and "no code 'nope'" in err


def test_search_output_is_safe_for_the_terminal(db, capsys, tmp_path):
    (tmp_path / "evil.txt").write_text("P01: trust \x1b]0;pwned\x07 me\n", encoding="utf-8")
    run(capsys, "--db", db, "import", str(tmp_path / "evil.txt"))
    code, out, _ = run(capsys, "--db", db, "search", "trust")
    assert code == 0 and "\x1b" not in out and "\x07" not in out


@pytest.mark.parametrize("argv", [["init", "--language", "xx"], ["import", "FILE", "--language", "klingon"]])
def test_an_unknown_language_is_one_line_listing_the_supported_ones_and_changes_nothing(db, capsys, tmp_path, argv):
    (tmp_path / "FILE").write_text(ENGLISH, encoding="utf-8")
    argv = [str(tmp_path / "FILE") if a == "FILE" else a for a in argv]
    if argv[0] == "import":
        assert run(capsys, "--db", db, "init")[0] == 0
    before = sqlite3.connect(db).execute("SELECT count(*) FROM source").fetchone() if argv[0] == "import" else None
    code, out, err = run(capsys, "--db", db, *argv)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "unknown language" in err and "da (Danish)" in err and "sv (Swedish)" in err and "de (German)" in err
    if argv[0] == "init":
        assert not (tmp_path / "p.db").exists()
    else:
        assert sqlite3.connect(db).execute("SELECT count(*) FROM source").fetchone() == before


def test_init_language_changes_the_default_for_later_imports_only(db, capsys, tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DANISH, encoding="utf-8")
    run(capsys, "--db", db, "import", str(tmp_path / "a.txt"))
    code, out, _ = run(capsys, "--db", db, "init", "--language", "da")
    assert code == 0
    run(capsys, "--db", db, "import", str(tmp_path / "b.txt"))
    code, out, _ = run(capsys, "--db", db, "sources", "--json")
    assert {s["name"]: s["language"] for s in json.loads(out)} == {"a": "en", "b": "da"}
    code, out, _ = run(capsys, "--db", db, "init")
    assert "(language: da, Danish)" in out  # a plain init keeps it


def test_language_shows_and_sets_the_projects_and_puts_a_sources_right(db, capsys, tmp_path):
    (tmp_path / "samtale.txt").write_text(DANISH, encoding="utf-8")
    run(capsys, "--db", db, "import", str(tmp_path / "samtale.txt"))  # English by mistake
    code, out, _ = run(capsys, "--db", db, "language")
    assert code == 0 and out.startswith("project language: en (English)")
    code, out, _ = run(capsys, "--db", db, "language", "da", "--source", "samtale")
    assert code == 0 and out.startswith("samtale: en → da;") and "Deltager 4: Deltager 4 → P04" in out
    code, out, _ = run(capsys, "--db", db, "sources", "--json")
    (source,) = json.loads(out)
    assert source["language"] == "da" and source["participants"] == ["P04"] and source["segments"] == 5
    code, out, _ = run(capsys, "--db", db, "language", "sv")
    assert code == 0 and "project language: sv (Swedish)" in out
    code, out, _ = run(capsys, "--db", db, "sources", "--json")
    assert json.loads(out)[0]["language"] == "da"  # the project's language does not change a source's
    code, _, err = run(capsys, "--db", db, "language", "--source", "samtale")
    assert code == 2 and "give the language to set" in err
