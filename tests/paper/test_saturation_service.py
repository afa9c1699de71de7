"""Saturation over a project: the layer named, the order asked for, the CLI and its figure."""

from __future__ import annotations

import json

import pytest

from tests.paper.builders import SourceSpec, build
from workbench.cli import main
from workbench.domain.saturation import Design
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.services.paper.saturation import compute_saturation

# ana: by hand (base 2, run 1, 5%): I1 {a,b} I2 {c} → B = 3; I3 {} run 3: 0 → saturation at n = 2.
# ben: I1 {a} I2 {a} I3 {b} → B = 1; run 3 adds b = 100% → not reached. The consensus: {a} {a,b} {} → B = 2, n = 2.
SOURCES = [
    SourceSpec("I1", "interview", ["P01"], {"ana": ["a", "b"], "ben": ["a"], "consensus": ["a"]}),
    SourceSpec("I2", "interview", ["P02"], {"ana": ["c", "a"], "ben": ["a"], "consensus": ["a", "b"]}),
    SourceSpec("I3", "interview", ["P03"], {"ben": ["b"]}),
    SourceSpec("FG", "focus-group", ["P01", "P04"], {"ana": ["d", "e"]}),
]
ATTRIBUTES = {"P01": {"date": "2024-03-02", "n": "10"}, "P02": {"date": "2024-01-15", "n": "9"},
              "P03": {"date": "2024-01-15", "n": "9.5"}, "P04": {"date": "2023-12-01", "n": "2"}}


@pytest.fixture
def study(project):
    build(project, SOURCES, ATTRIBUTES, inductive=["c", "e"])
    return project


def test_each_layer_counts_only_its_codings(study):
    design = Design(2, 1, 0.05)
    ana = compute_saturation(study, coder="ana", kind="interview", design=design, resamples=0)
    assert ana.sources == ("I1", "I2", "I3") and ana.assessment.new_codes == (2, 1, 0)
    assert ana.assessment.at == 2 and ana.statement.endswith("after I2)")
    ben = compute_saturation(study, coder="ben", kind="interview", design=design, resamples=0)
    assert ben.assessment.new_codes == (1, 0, 1) and not ben.assessment.reached
    consensus = compute_saturation(study, consensus=True, kind="interview", design=design, resamples=0)
    assert consensus.layer == "consensus" and consensus.assessment.new_codes == (1, 1, 0) and consensus.assessment.at == 2
    default = compute_saturation(study, kind="interview", design=design, resamples=0)
    assert default.assessment == consensus.assessment  # the consensus layer when there is one
    with pytest.raises(NotFoundError):
        compute_saturation(study, coder="nobody")


def test_inductive_only_and_every_kind(study):
    report = compute_saturation(study, coder="ana", design=Design(1, 1, 0.05), inductive_only=True, resamples=0)
    assert report.first_seen == ((), ("c",), (), ("e",))
    assert report.as_json()["first_seen"] == [[], ["c"], [], ["e"]]


def test_orders_by_attribute_with_ties_in_import_order(study):
    # dates: FG has P04 (2023-12-01) and P01: the earliest; I2 and I3 tie on 2024-01-15 → import order
    by_date = compute_saturation(study, coder="ana", order="attribute:date", design=Design(1, 1, 0.05), resamples=0)
    assert by_date.sources == ("FG", "I2", "I3", "I1") and by_date.order_by == "attribute date"
    # numbers sort as numbers (9 < 9.5 < 10), not as text
    by_number = compute_saturation(study, coder="ana", order="attribute:n", design=Design(1, 1, 0.05), resamples=0)
    assert by_number.sources == ("FG", "I2", "I3", "I1")
    with pytest.raises(WorkbenchError, match="no participant attribute 'age'"):
        compute_saturation(study, coder="ana", order="attribute:age")


def test_order_file(study, tmp_path):
    order = tmp_path / "order.txt"
    order.write_text("# my order\nI3\n\ni1\nI2\n", encoding="utf-8")
    report = compute_saturation(study, coder="ana", order=order, design=Design(1, 1, 0.05), resamples=0)
    assert report.sources == ("I3", "I1", "I2") and report.left_out == ("FG",)
    order.write_text("I3\nI9\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"order.txt:2: no source 'I9'"):
        compute_saturation(study, coder="ana", order=order)
    order.write_text("I3\nI1\nI3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"order.txt:3: 'I3' is listed twice \(first on line 1\)"):
        compute_saturation(study, coder="ana", order=order)


def test_band_is_seeded(study):
    first = compute_saturation(study, coder="ana", design=Design(1, 1, 0.05), resamples=50, seed=3)
    again = compute_saturation(study, coder="ana", design=Design(1, 1, 0.05), resamples=50, seed=3)
    assert first.band == again.band and first.band.resamples == 50


def db_of(project) -> str:
    return project.engine.url.render_as_string(hide_password=False)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_and_plots(study, capsys, tmp_path):
    db = db_of(study)
    code, out, err = run(capsys, "--db", db, "saturation", "--coder", "ana", "--kind", "interview", "--base", "2",
                         "--run", "1", "--resamples", "20", "--json", "--plot", str(tmp_path / "s.svg"))
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"order", "new_codes", "cumulative", "base", "run", "threshold", "base_codes", "runs",
                         "saturation", "resamples"}
    assert data["order"] == ["I1", "I2", "I3"] and data["new_codes"] == [2, 1, 0] and data["cumulative"] == [2, 3, 3]
    assert data["runs"] == [{"start": 3, "end": 3, "new": 0, "share": 0.0}]
    assert data["saturation"] == {"reached": True, "at": 2, "source": "I2", "reason": None,
                                  "statement": "saturation at n = 2 (base 2, run 1, ≤5% new information; after I2)"}
    assert data["resamples"]["count"] == 20
    svg = (tmp_path / "s.svg").read_text(encoding="utf-8")
    assert "Code saturation" in svg and "n = 2" in svg and "cumulative codes" in svg
    code, out, _ = run(capsys, "--db", db, "saturation", "--coder", "ben", "--kind", "interview", "--base", "2",
                       "--run", "1", "--resamples", "0", "--plot", str(tmp_path / "s.png"))
    assert code == 0 and "saturation not reached" in out and "1 new code (100.0% new information)" in out
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_bad_input_is_one_line(study, capsys, tmp_path):
    db = db_of(study)
    for argv, message in [
        (["--plot", str(tmp_path / "s.jpg")], "must end in .png or .svg"),
        (["--order", str(tmp_path / "missing.txt")], "no such order file"),
        (["--order", str(tmp_path)], "is not a file"),
        (["--order", "/dev/zero"], "is not a file"),
        (["--base", "0"], "the base must be 1 source or more"),
        (["--threshold", "5"], "the threshold is a share"),
    ]:
        code, out, err = run(capsys, "--db", db, "saturation", "--coder", "ana", *argv)
        assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("s.*"))
