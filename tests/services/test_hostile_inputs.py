"""Random and hostile input: importers and loaders answer with an InputError or succeed, never crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from workbench.domain.codebook_yaml import parse_codebook
from workbench.errors import InputError, WorkbenchError
from workbench.services.importing.batch import import_paths
from workbench.services.importing.readers import read_transcript
from workbench.store.models import Segment, Source

SUFFIXES = [".txt", ".md", ".docx", ".vtt", ".srt"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_the_readers(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        result = read_transcript(path)
    except InputError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)
    else:
        assert result.text.strip() and "\r" not in result.text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_yaml_never_crashes_the_codebook_loader(text):
    try:
        parse_codebook(text, "book.yaml")
    except InputError as error:
        assert str(error).startswith("book.yaml") and "\n" not in str(error)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(alphabet="ab,1-9\"x ", max_size=8), max_size=7), max_size=6))
def test_random_csv_never_crashes_the_codings_import(project, tmp_path, rows):
    from workbench.services.coding.codings_csv import import_codings_csv

    path = tmp_path / "c.csv"
    path.write_text("source,code,start,end,coder,memo\n" + "\n".join(",".join(r) for r in rows), encoding="utf-8")
    try:
        import_codings_csv(project, path, "ana")
    except WorkbenchError as error:
        assert "\n" not in str(error)


def test_a_huge_single_line_file_imports_in_bounded_pieces(project, tmp_path):
    path = tmp_path / "one-line.txt"
    sentence = "This is a fairly ordinary sentence about the online module and the therapist. "
    path.write_text("P01: " + sentence * 40_000, encoding="utf-8")  # ~3.2 MB on one line
    report = import_paths(project, [Path(path)])
    assert not report.failed
    with project.session() as session:
        segments = session.scalar(select(func.count()).select_from(Segment))
        length = session.scalar(select(func.length(Source.text)))
    assert segments == 40_000 and length == len(path.read_text(encoding="utf-8"))
