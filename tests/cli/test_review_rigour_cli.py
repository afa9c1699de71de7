"""Issue 10 from the command line: review status as JSON, scripted decisions, blind mode, the acting coder
in the audit trail, warnings for an unfinished consensus, and global options after the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli.harness import run
from workbench.cli import main
from workbench.store.engine import Project
from workbench.store.models import AuditEntry, Coder

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"


@pytest.fixture
def db(agreement_db: str) -> str:
    return agreement_db




def audit(db: str) -> list[tuple[str | None, str, str]]:
    project = Project.open(db, create=False)
    try:
        with project.session() as session:
            rows = session.execute(
                select(Coder.name, AuditEntry.action, AuditEntry.entity_kind)
                .outerjoin(Coder, Coder.id == AuditEntry.coder_id).order_by(AuditEntry.id)
            ).all()  # fmt: skip
    finally:
        project.close()
    return [tuple(r) for r in rows]


def test_status_json(db, capsys):
    code, out, err = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--status", "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "coders": ["ana", "ben"], "consensus": "consensus", "total": 5, "resolved": 0,
        "codes": [{"code": "contact", "total": 2, "resolved": 0}, {"code": "trust", "total": 1, "resolved": 0},
                  {"code": "usability", "total": 2, "resolved": 0}],
    }  # fmt: skip
    code, _, err = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--json")
    assert code == 2 and "--json goes with --status" in err


def test_decide_by_rule_prints_what_it_resolved(db, capsys):
    code, out, err = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--decide", "union",
                         "--boundary-only", "--note", "boundaries: take the union")  # fmt: skip
    assert code == 0, err
    assert "resolved 3 open disagreement(s) by 'union' into 'consensus'; 3 of 5 resolved" in out
    assert "  union        trust                            s1 48-130" in out
    code, out, _ = run(capsys, "--db", db, "review", "--coders", "ben", "ana", "--decide", "first", "--code", "contact")
    assert "resolved 2 open disagreement(s) of contact by 'first'" in out and "5 of 5 resolved" in out
    code, _, err = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--decide", "first", "--code", "nope")
    assert code == 2 and err.startswith("workbench: no code 'nope'")
    code, _, err = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--decide", "maybe")
    assert code == 2 and "invalid choice" in err
    assert ("lead", "create", "adjudication") in audit(db)


def test_exports_of_an_unfinished_consensus_warn_once(db, capsys, tmp_path):
    from workbench.services.themes.edit import create_theme

    project = Project.open(db, create=False)
    create_theme(project, "Trust", codes=["trust"])
    project.close()
    run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--decide", "union", "--code", "trust")
    warning = "workbench: warning: consensus of ana and ben: 1 of 5 disagreements resolved\n"
    for argv in (["export", "table", str(tmp_path / "t.csv"), "--what", "codes", "--consensus"],
                 ["export", "themes", str(tmp_path / "t.docx"), "--consensus"],
                 ["export", "segments", str(tmp_path / "s.docx"), "--coder", "consensus"],
                 ["export", "agreement", str(tmp_path / "a.csv"), "--coders", "ana", "consensus"],
                 ["export", "qdpx", str(tmp_path / "p.qdpx")]):  # fmt: skip
        code, _, err = run(capsys, "--db", db, *argv)
        assert code == 0 and err == warning, argv
    from docx import Document

    for name in ("s.docx", "t.docx"):
        note = " ".join(p.text for p in Document(str(tmp_path / name)).paragraphs)
        assert "consensus of ana and ben: 1 of 5 disagreements resolved" in note, name
    code, _, err = run(capsys, "--db", db, "export", "table", str(tmp_path / "ana.csv"), "--coder", "ana")
    assert code == 0 and err == ""  # a coder's own layer: nothing to warn about
    run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--decide", "neither")
    code, _, err = run(capsys, "--db", db, "export", "table", str(tmp_path / "t.csv"), "--consensus")
    assert code == 0 and err == ""


def test_blind_mode_is_remembered_per_coder_and_audited(db, capsys):
    from workbench.services.project.blind import set_blind

    project = Project.open(db, create=False)
    assert set_blind(project, "ben", True) and not set_blind(project, "ben", True)
    project.close()
    for argv in (["review", "--coders", "ana", "ben", "--status"], ["agreement", "--coders", "ana", "ben"],
                 ["audit"], ["review", "--coders", "ana", "ben", "--decide", "union"]):  # fmt: skip
        code, out, err = run(capsys, "--db", db, "--coder", "ben", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1, argv
        assert "ben is coding blind" in err and "open --no-blind" in err
    assert run(capsys, "--db", db, "--coder", "ana", "agreement", "--coders", "ana", "ben")[0] == 0  # ana is not blind
    project = Project.open(db, create=False)
    assert set_blind(project, "ben", False)
    project.close()
    assert run(capsys, "--db", db, "--coder", "ben", "audit")[0] == 0
    assert [r for r in audit(db) if r[2] == "coder"] == [("ben", "blind", "coder"), ("ben", "unblind", "coder")]


def test_open_blind_flags(db, capsys, monkeypatch):
    import workbench.cli.project as project_commands
    import workbench.tui.launch as launch

    opened = []

    def record(db, coder):
        app = launch.prepare_app(db, coder)
        opened.append(app.context.blind)
        app.context.project.close()
        app.context.discard_first_read()
        return 0

    monkeypatch.setattr(project_commands, "tui_available", lambda: True)
    monkeypatch.setattr(launch, "run_workbench", record)
    assert main(["--db", db, "--coder", "ben", "open", "--blind"]) == 0
    assert main(["--db", db, "--coder", "ben", "open"]) == 0  # remembered
    assert main(["--db", db, "--coder", "ana", "open"]) == 0  # per coder
    assert main(["open", "--no-blind", "--db", db, "--coder", "ben"]) == 0  # lifted; options after the command
    assert opened == [True, True, False, False]


def test_the_acting_coder_is_named_even_before_coding(db, capsys, tmp_path):
    book = tmp_path / "more.yaml"
    book.write_text("codebook: More\ncodes:\n  - id: extra\n    name: Extra\n", encoding="utf-8")
    assert run(capsys, "--db", db, "--coder", "mallory", "codebook", "load", str(book))[0] == 0
    assert audit(db)[-1] == ("mallory", "create", "code")
    assert run(capsys, "codebook", "load", str(book), "--db", db, "--coder", "trent")[0] == 0  # after the command
    code, out, _ = run(capsys, "audit", "--db", db, "--limit", "1", "--json")
    assert code == 0 and json.loads(out)[0]["coder"] == "mallory"


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_audit_limit_must_be_positive(db, capsys, limit):
    code, out, err = run(capsys, "--db", db, "audit", "--limit", limit)
    assert code == 2 and out == "" and err == f"workbench: --limit must be 1 or more, not {limit}; leave it out for every entry\n"


def test_global_options_after_the_command(db, capsys, tmp_path):
    code, out, _ = run(capsys, "sources", "--db", db, "--json")
    assert code == 0 and [s["name"] for s in json.loads(out)] == ["s1", "s2"]
    code, out, _ = run(capsys, "codings", "export", str(tmp_path / "c.csv"), "--db", db, "--coder", "ana")
    assert code == 0 and "codings written" in out  # the command's own --coder keeps its meaning
    assert {line.split(",")[4] for line in (tmp_path / "c.csv").read_text().splitlines()[1:]} == {"ana"}


def test_a_folder_import_names_the_files_it_left_out(db_location, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "batch"
    (folder / "scans").mkdir(parents=True)
    (folder / "P07-interview.txt").write_text("Interviewer: How was it?\nP07: Fine.\n", encoding="utf-8")
    (folder / "consent.pdf").write_bytes(b"%PDF-1.4 not a transcript")
    (folder / "scans" / "page1.png").write_bytes(b"\x89PNG")
    (folder / ".DS_Store").write_bytes(b"\x00")
    code, out, _ = run(capsys, "--db", db_location, "import", str(folder))
    assert code == 0
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("1 imported, 0 skipped, 0 failed; 2 file(s) of a type that is not imported")
    assert "left out: consent.pdf, scans/page1.png" in summary and "DS_Store" not in summary
    (folder / "P07-interview.txt").unlink()
    code, _, err = run(capsys, "--db", db_location, "import", str(folder))
    assert code == 2 and err.count("\n") == 1 and "no transcripts found" in err and "consent.pdf, scans/page1.png" in err


def test_building_the_demo_is_audited_under_who_built_it(db_location, monkeypatch, capsys):
    """The demo's codebook, transcripts' codings and theme map are changes like any other: they name their author."""
    monkeypatch.setenv("WORKBENCH_CODER", "newcomer")
    path = db_location
    assert main(["demo", "--db", path, "--no-tui"]) == 0
    capsys.readouterr()
    entries = audit(path)
    assert entries and {who for who, _, _ in entries} == {"newcomer"}
    assert {kind for _, _, kind in entries} >= {"code", "coding", "theme"}


def test_a_blind_coder_exports_only_their_own_codings(db, tmp_path, capsys):
    """Be the other coder: ben, coding blind, cannot read ana's layer, the consensus or everyone's codings
    through an export, and what he may export holds his codings only."""
    from workbench.services.project.blind import set_blind

    project = Project.open(db, create=False)
    set_blind(project, "ben", True)
    project.close()
    refused = (
        ["export", "themes", str(tmp_path / "t.docx"), "--coder", "ana"],
        ["export", "themes", str(tmp_path / "t.docx"), "--consensus"],
        ["export", "table", str(tmp_path / "t.csv"), "--coder", "ana"],
        ["export", "segments", str(tmp_path / "s.csv"), "--coder", "ana"],
        ["codings", "export", str(tmp_path / "c.csv"), "--coder", "ana"],
        ["export", "qdpx", str(tmp_path / "p.qdpx")],
        ["export", "map", str(tmp_path / "m.svg"), "--coder", "ana"],
        ["saturation", "--coder", "ana"],
        ["export", "methods", str(tmp_path / "m.md")],
    )
    for argv in refused:
        code, out, err = run(capsys, "--db", db, "--coder", "ben", *argv)
        assert code == 2 and "ben is coding blind" in err and err.count("\n") == 1, argv
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".docx", ".csv", ".qdpx", ".svg", ".md")]
    assert run(capsys, "--db", db, "--coder", "ben", "codings", "export", str(tmp_path / "mine.csv"))[0] == 0
    coders = {line.split(",")[4] for line in (tmp_path / "mine.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert coders == {"ben"}
    assert run(capsys, "--db", db, "--coder", "ben", "export", "segments", str(tmp_path / "mine-s.csv"))[0] == 0
    assert "ana" not in (tmp_path / "mine-s.csv").read_text(encoding="utf-8")
