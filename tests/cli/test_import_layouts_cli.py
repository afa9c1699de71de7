"""`workbench import` with transcript layouts: the summary names the layout, --layout forces one."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.test_cli import run
from workbench.errors import InputError
from workbench.services.importing.readers import read_transcript

OTTER = "Interviewer  0:00\nHow have the modules been?\n\nP05  0:09\nThey helped a lot.\n"


def test_import_reports_the_layout_and_forces_one(db, capsys, tmp_path):
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


def test_an_unknown_layout_is_refused_by_the_parser(db, capsys, tmp_path):
    code, _, err = run(capsys, "--db", db, "import", str(tmp_path), "--layout", "otr")
    assert code == 2 and "invalid choice: 'otr'" in err and "otter" in err and len(err.strip().splitlines()) == 1


_KEYS = st.sampled_from(["segments", "start", "end", "text", "speaker", "chunks", "timestamp", "offsets", "from", "to",
                         "transcription"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_JSON)
def test_random_json_never_crashes_the_whisper_reader(tmp_path, document):
    path = tmp_path / "random.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # NaN and Infinity included
    try:
        result = read_transcript(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert len(result.text.split("\n")) == len(result.cue_times)
        assert all(0 <= start <= end <= 2**31 - 1 for start, end in result.cue_times)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.text(alphabet="0123456789.:-eE nN\u00e9ab", max_size=8), min_size=1, max_size=4), max_size=5))
def test_random_tables_never_crash_the_tsv_reader(tmp_path, rows):
    path = tmp_path / "random.tsv"
    path.write_text("start\tend\ttext\n" + "\n".join("\t".join(row) for row in rows), encoding="utf-8")
    try:
        result = read_transcript(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert all(0 <= start <= end <= 2**31 - 1 for start, end in result.cue_times)
