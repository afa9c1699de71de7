"""`workbench import` with transcript layouts: the summary names the layout, --layout forces one."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.test_cli import db, run  # noqa: F401 - the fixture and helper of the CLI tests
from workbench.errors import InputError
from workbench.services.importing.readers import read_transcript

OTTER = "Interviewer  0:00\nHow have the modules been?\n\nP05  0:09\nThey helped a lot.\n"


def test_import_reports_the_layout_and_forces_one(db, capsys, tmp_path):  # noqa: F811
    path = tmp_path / "otter.txt"
    path.write_text(OTTER, encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", str(path))
    assert code == 0
    assert f"{path}: imported as 'otter' (interview, 9 words; otter layout, 2 speakers)" in out
    assert out.rstrip().endswith("1 imported, 0 skipped, 0 failed · otter layout, 2 speakers")
    other = tmp_path / "notes.txt"
    other.write_text("Interviewer: Hi.\nP01: Hello.\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "import", str(other), "--layout", "word")
    assert code == 1 and f"{other}: has no speaker lines of the word layout" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unknown_layout_is_refused_by_the_parser(db, capsys, tmp_path):  # noqa: F811
    code, _, err = run(capsys, "--db", db, "import", str(tmp_path), "--layout", "otr")
    assert code == 2 and "invalid choice: 'otr'" in err and "otter" in err and len(err.strip().splitlines()) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)), suffix=st.sampled_from([".json", ".tsv"]))
def test_random_bytes_never_crash_the_whisper_readers(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        result = read_transcript(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert result.text.strip() and len(result.text.split("\n")) == len(result.cue_times)
