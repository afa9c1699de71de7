"""The CLI contract: commands, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.cli.harness import run


def test_full_cli_flow(db, capsys, interview_file, codebook_file, tmp_path):
    assert run(capsys, "--db", db, "init")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", str(interview_file), "--kind", "interview")
    assert code == 0 and "1 imported, 0 skipped, 0 failed" in out
    code, out, _ = run(capsys, "--db", db, "sources", "--json")
    (source,) = json.loads(out)
    assert set(source) >= {"name", "kind", "participants", "turns", "segments", "words", "codings"}
    assert source["participants"] == ["P01"] and source["codings"] == 0
    code, out, _ = run(capsys, "--db", db, "text", "P01-interview")
    assert out == interview_file.read_text(encoding="utf-8")
    assert run(capsys, "--db", db, "codebook", "load", str(codebook_file))[0] == 0
    code, out, _ = run(capsys, "--db", db, "codebook", "show", "--json")
    codes = json.loads(out)
    assert [c["id"] for c in codes] == ["bond", "bond.presence", "task", "inductive"]
    assert codes[1]["parent"] == "bond"
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("source,code,start,end\nP01-interview,bond,80,118\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "codings", "import", str(csv_in))
    assert code == 0 and "1 coding imported for tester" in out
    csv_out = tmp_path / "out.csv"
    assert run(capsys, "--db", db, "codings", "export", str(csv_out))[0] == 0
    assert csv_out.read_text(encoding="utf-8") == "source,code,start,end,coder,memo\nP01-interview,bond,80,118,tester,\n"
    code, out, _ = run(capsys, "--db", db, "participants", "--json")
    assert json.loads(out) == [{"id": "P01", "attributes": {}, "sources": ["P01-interview"]}]


def test_db_defaults_to_env_then_workbench_db(cli_env, capsys, monkeypatch, tmp_path):  # where the file goes
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "env.db"))
    assert run(capsys, "init")[0] == 0
    assert (tmp_path / "env.db").exists()
    monkeypatch.delenv("WORKBENCH_DB")
    assert run(capsys, "init")[0] == 0
    assert (tmp_path / "workbench.db").exists()


def test_partial_batch_exits_non_zero(db, capsys, interview_file, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "--db", db, "import", str(interview_file), str(empty))
    assert code == 1
    assert err.strip() == f"{empty}: file is empty; nothing to import"
    assert "1 imported, 0 skipped, 1 failed" in out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["text", "nope"], "no source 'nope'"),
        (["import", "/no/such/file.txt"], "/no/such/file.txt: no such file or folder"),
        (["codebook", "load", "/no/such.yaml"], "/no/such.yaml: cannot read the codebook"),
        (["codings", "export", "out.csv", "--coder", "zed"], "no coder 'zed'"),
    ],
)
def test_errors_are_one_line_with_non_zero_exit(db, capsys, argv, fragment):
    run(capsys, "--db", db, "init")
    code, _, err = run(capsys, "--db", db, *argv)
    assert code != 0
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_project_folder(capsys, tmp_path):
    code, _, err = run(capsys, "--db", str(tmp_path / "nowhere" / "p.db"), "sources")
    assert code == 2 and "does not exist" in err


def test_a_real_process_prints_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "--db", str(tmp_path / "x" / "p.db"), "sources"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("workbench: ") and "Traceback" not in result.stderr


def test_audit_lists_changes_per_source_and_exports_csv(db, capsys, interview_file, codebook_file, tmp_path):
    run(capsys, "--db", db, "import", str(interview_file))
    run(capsys, "--db", db, "codebook", "load", str(codebook_file))
    csv_in = tmp_path / "in.csv"
    csv_in.write_text("source,code,start,end\nP01-interview,bond,80,118\n", encoding="utf-8")
    run(capsys, "--db", db, "codings", "import", str(csv_in))
    code, out, _ = run(capsys, "--db", db, "audit", "--source", "P01-interview", "--json")
    entries = json.loads(out)
    assert [(e["action"], e["entity"], e["coder"], e["summary"]) for e in entries] == [
        ("create", "coding", "tester", "bond in P01-interview 80-118")
    ]
    code, out, _ = run(capsys, "--db", db, "audit", "--code", "task", "--json")
    assert [(e["action"], e["entity"], e["summary"]) for e in json.loads(out)] == [("create", "code", "task")]
    assert run(capsys, "--db", db, "audit", "--csv", str(tmp_path / "audit.csv"))[0] == 0
    assert (tmp_path / "audit.csv").read_text(encoding="utf-8").startswith("at,coder,action,entity")
