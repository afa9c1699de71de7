"""``workbench agreement``, ``workbench export agreement`` and ``workbench review`` on the two-coder fixture.

The fixture (tests/data/agreement): s1 has 216 characters, s2 220.

    code       source  ana            ben
    trust      s1      48-130         48-94
    trust      s2      31-68          31-68
    usability  s1      131-181        131-156, 157-181
    usability  s2      107-173        107-141
    contact    s1      -              182-215
    contact    s2      69-106         69-106, 174-219

Hand computation at the character level, kappa = (N*TA - chance) / (N^2 - chance) with
TA = both + neither and chance = A*B + (N-A)*(N-B):

    trust s1:     both 46, ana only 36, ben only 0, neither 134
                  chance = 82*46 + 134*170 = 26552; kappa = (216*180 - 26552)/(46656 - 26552) = 12328/20104 = 0.613211
                  percent = 180/216 = 83.3333
    trust s2:     both 37, neither 183: identical, kappa 1, percent 100
    trust pooled: both 83, ana only 36, neither 317 (N 436); chance = 119*83 + 317*353 = 121778
                  kappa = (436*400 - 121778)/(190096 - 121778) = 52622/68318 = 0.770251; percent 400/436 = 91.7431
                  alpha = 1 - (2N-1)(b+c)/(n0*n1) = 1 - 871*36/(670*202) = 0.768317
    usability:    s1 both 49, ana only 1, neither 166 -> 16268/16484 = 0.986896
                  s2 both 34, ana only 32, neither 154 -> 10472/17512 = 0.597990
                  pooled both 83, ana only 33, neither 320 -> 53120/67508 = 0.786870
    contact:      s1 ben only 33 -> kappa 0, percent 183/216 = 84.7222
                  s2 both 37, ben only 45, neither 138 -> 10212/20112 = 0.507756
                  pooled both 37, ben only 78, neither 321 -> 23754/57762 = 0.411239
    worst first:  contact, trust, usability

Segment matching at 0.9: 4 of 13 codings matched (trust s2 pair, contact s2 pair);
kappa_n = (4/13 - 1/3)/(1 - 1/3) = -1/26 = -0.038462.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.harness import run
from tests.conftest import writes_sent

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"


@pytest.fixture
def db(agreement_db: str) -> str:
    return agreement_db




def test_agreement_json_matches_the_hand_computation(db, capsys):
    code, out, err = run(capsys, "--db", db, "agreement", "--coders", "ana", "ben", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == ["ana", "ben"] and data["unit"] == "character"
    assert data["sources_compared"] == ["s1", "s2"]
    assert data["bootstrap"]["resamples"] == 200
    codes = {c["code"]: c for c in data["codes"]}
    assert [c["code"] for c in data["codes"]] == ["contact", "trust", "usability"]
    trust = codes["trust"]
    assert trust["kappa"] == pytest.approx(0.770251, abs=1e-6)
    assert trust["percent_agreement"] == pytest.approx(91.7431, abs=1e-4)
    assert trust["alpha"] == pytest.approx(0.768317, abs=1e-6)
    low, high = trust["kappa_ci"]
    assert low <= trust["kappa"] <= high
    s1, s2 = trust["sources"]
    assert s1 == {
        "source": "s1", "kappa": pytest.approx(0.613211, abs=1e-6), "kappa_undefined": None,
        "percent_agreement": pytest.approx(83.3333, abs=1e-4),
        "both": 46, "first_only": 36, "second_only": 0, "neither": 134, "size": 216,
    }  # fmt: skip
    assert (s2["kappa"], s2["percent_agreement"], s2["both"], s2["neither"]) == (1.0, 100.0, 37, 183)
    assert [s["kappa"] for s in codes["usability"]["sources"]] == [
        pytest.approx(0.986896, abs=1e-6), pytest.approx(0.597990, abs=1e-6)]  # fmt: skip
    assert codes["usability"]["kappa"] == pytest.approx(0.786870, abs=1e-6)
    contact = codes["contact"]
    assert contact["sources"][0]["kappa"] == 0.0
    assert contact["sources"][0]["percent_agreement"] == pytest.approx(84.7222, abs=1e-4)
    assert contact["sources"][1]["kappa"] == pytest.approx(0.507756, abs=1e-6)
    assert contact["kappa"] == pytest.approx(0.411239, abs=1e-6)
    assert contact["matching"]["unmatched"] == 2
    matching = data["overall"]["matching"]
    assert matching["percent_observed"] == pytest.approx(100 * 4 / 13)
    assert matching["kappa_n"] == pytest.approx(-0.038462, abs=1e-6)


def test_agreement_table_is_worst_first(db, capsys):
    code, out, _ = run(capsys, "--db", db, "agreement", "--coders", "ana", "ben", "--resamples", "0")
    assert code == 0
    rows = [line.split()[0] for line in out.splitlines() if line.split() and line.split()[0] in {"contact", "trust", "usability"}]
    assert rows == ["contact", "trust", "usability"]
    assert "0.41" in out and "kappa_n" in out and "unit: character" in out


def test_segment_unit_and_min_share(db, capsys):
    code, out, _ = run(capsys, "--db", db, "agreement", "--coders", "ana", "ben", "--unit", "segment", "--json")
    codes = {c["code"]: c for c in json.loads(out)["codes"]}
    # trust over 12 sentences: both 2, ana only 1, neither 9 -> (12*11 - 96)/(144 - 96) = 0.75
    assert codes["trust"]["kappa"] == pytest.approx(0.75) and codes["trust"]["fleiss_kappa"] is not None
    code, out, _ = run(capsys, "--db", db, "agreement", "--coders", "ana", "ben", "--unit", "turn",
                       "--min-share", "0.5", "--json")  # fmt: skip
    trust = {c["code"]: c for c in json.loads(out)["codes"]}["trust"]
    assert trust["kappa"] is None and "chance agreement is 1" in trust["kappa_undefined"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agreement", "--coders", "ana", "zed"], "no coder 'zed' in this project"),
        (["agreement", "--coders", "ana"], "two or more different coders"),
        (["agreement", "--coders", "ana", "lead"], "'lead' has no codings"),
        (["agreement", "--coders", "ana", "ben", "--overlap", "1.5"], "--overlap must be"),
        (["agreement", "--coders", "ana", "ben", "--unit", "page"], "invalid choice"),
        (["export", "agreement", "out.pdf", "--coders", "ana", "ben"], ".csv or .docx"),
        (["review", "--coders", "ana"], "exactly two coders"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(db, capsys, argv, message):
    if "lead" in argv:
        run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--status")  # "lead" exists, without codings
    code, out, err = run(capsys, "--db", db, *argv)
    assert code != 0 and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_no_traceback_from_a_real_process(db):
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", db, "agreement", "--coders", "ana", "nobody"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and result.stderr.startswith("workbench: no coder 'nobody'")
    assert "Traceback" not in result.stderr


def test_export_agreement_csv_and_docx(db, capsys, tmp_path):
    code, out, _ = run(capsys, "--db", db, "export", "agreement", str(tmp_path / "a.csv"), "--coders", "ana", "ben")
    assert code == 0 and "written to" in out
    text = (tmp_path / "a.csv").read_text(encoding="utf-8")
    assert "trust,Trust,s1,character,216,46,36,0,134,36,0.613211" in text
    code, out, _ = run(capsys, "--db", db, "export", "agreement", str(tmp_path / "a.docx"), "--coders", "ana", "ben")
    assert code == 0
    from docx import Document

    document = Document(str(tmp_path / "a.docx"))
    assert document.paragraphs[0].text == "Inter-coder agreement"
    assert document.tables[0].rows[1].cells[0].text == "Contact (contact)"


def test_review_status(db, backend, capsys):
    before = Path(db).read_bytes() if backend == "sqlite" else None  # a file to compare: SQLite's
    with writes_sent() as writes:
        code, out, _ = run(capsys, "--db", db, "review", "--coders", "ana", "ben", "--status")
    assert code == 0
    if before is not None:
        assert Path(db).read_bytes() == before  # a status query only reads
    assert writes == []  # on either backend: not one statement that writes
    assert "copied to" not in out and "0 of 5 disagreements resolved" in out
    assert "2 agreed regions, 0 in the consensus layer so far" in out
    code, out, _ = run(capsys, "--db", db, "review", "--coders", "ben", "ana")  # not a terminal: starts, prints progress
    assert "2 agreed regions copied to the consensus layer 'consensus'" in out
    code, out, _ = run(capsys, "--db", db, "review", "--coders", "ana", "ben")
    assert "copied to" not in out and "all 2 agreed regions in the consensus layer" in out  # one session per pair
