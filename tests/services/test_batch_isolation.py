"""One bad file never stops a batch (issue 11 item 6), the same on SQLite and PostgreSQL.

Each hostile file is built here. Values a database would refuse (or take on SQLite only) are refused before
the database sees them, with a clear line and no SQL or transcript text; a lost server stops the batch at once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import table_counts
from tests.interop.builders import make_zip, minimal_project, selection, text_source
from workbench.cli import main
from workbench.errors import InputError, UnreachableError
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.store.bulk import insert_rows
from workbench.store.models import Source, Turn
from workbench.store.values import ValueRefused

GOOD = "Interviewer: How was the app?\nP01: Secret-ish transcript words, mostly warm.\n"


def _hostile_files(tmp_path):
    files = {}
    files["absurd-hours.vtt"] = (
        "WEBVTT\n\n1\n9999999999999999999999:00:00.000 --> 9999999999999999999999:00:01.000\n<v P01>Hello there\n"
    ).encode()
    files["past-int32.srt"] = "1\n600:00:00,000 --> 600:00:01,000\nP01: Six hundred hours in\n".encode()
    files["nul-utf16.txt"] = ("Interviewer: Hi\nP01: a NUL \x00 inside\n").encode("utf-16")
    qde = minimal_project(sources=text_source("40000000-0000-0000-0000-000000000001", "internal://a.txt", selection(0, 3)))
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    nul_source = "abc def \x00 ghi".encode("utf-16")  # REFI-QDA sources are decoded by their own reader
    paths.append(make_zip(tmp_path / "nul-source.qdpx", {"project.qde": qde, "sources/a.txt": nul_source}))
    good = tmp_path / "P01-interview.txt"
    good.write_text(GOOD, encoding="utf-8")
    return paths, good


def test_each_bad_file_fails_alone_with_a_clear_line_and_the_batch_goes_on(project, tmp_path):
    paths, good = _hostile_files(tmp_path)
    before = table_counts(project)
    report = import_paths(project, [*paths, good], ImportOptions(processes=1))
    statuses = {r.path.rsplit("/", 1)[-1]: (r.status, r.message) for r in report.results}
    assert [status for status, _ in statuses.values()] == ["failed"] * 4 + ["imported"]
    assert "absurd-hours.vtt:4: cue time" in statuses["absurd-hours.vtt"][1] and "past 596 hours" in statuses["absurd-hours.vtt"][1]
    assert "past-int32.srt:2: cue time 600:00:01,000 is past 596 hours" in statuses["past-int32.srt"][1]
    assert "nul-utf16.txt:2: holds a NUL character" in statuses["nul-utf16.txt"][1]
    assert "nul-source.qdpx: source text holds a NUL character at position 8" in statuses["nul-source.qdpx"][1]
    for _, message in statuses.values():
        assert "\n" not in message and "INSERT" not in message and "SELECT" not in message
    after = table_counts(project)
    assert after["source"] == before["source"] + 1 and after["code"] == before["code"] and after["coding"] == 0


def test_a_code_name_over_the_column_limit_is_refused_on_both_databases(project, tmp_path):
    from workbench.services.codebook.files import load_codebook

    path = tmp_path / "book.yaml"
    path.write_text("codebook: Long\ncodes:\n  - id: long\n    name: " + "N" * 300 + "\n", encoding="utf-8")
    before = table_counts(project)
    with pytest.raises(InputError, match=r"book\.yaml: code name 'NNN.*… is 300 characters long, over the limit of 255") as caught:
        load_codebook(project, path)
    assert "\n" not in str(caught.value) and "INSERT" not in str(caught.value)
    assert table_counts(project) == before


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        ((2**40,), r"turn time start ms 1099511627776 is out of range \(at most 2147483647\)"),
        ((2**70,), r"out of range"),
        ((-(2**31) - 1,), r"out of range"),
    ],
)
def test_the_store_refuses_out_of_range_integers_identically(project, row, pattern):
    """Bulk rows are checked by column type before the driver: SQLite would take 2**40, PostgreSQL not."""
    with pytest.raises(ValueRefused, match=pattern), project.session() as session:
        insert_rows(session.connection(), Turn.__table__, ("time_start_ms",), [row])


@pytest.mark.parametrize(
    ("name", "pattern"),
    [("x" * 256, r"source name 'xxx.*… is 256 characters long, over the limit of 255"),
     ("a\x00b", r"source name holds a NUL character at position 1"),
     ("a\ud800", r"source name holds half of a surrogate pair")],
)
def test_orm_flushes_are_checked_identically(project, name, pattern):
    before = table_counts(project)
    with pytest.raises(ValueRefused, match=pattern), project.session() as session:
        session.add(Source(name=name, kind="interview", text="x", content_hash="h", original_filename="f",
                           original_format="txt", word_count=1))
    assert table_counts(project) == before


def test_the_cli_prints_one_line_per_failed_file_and_no_sql(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CODER", "ana")
    paths, good = _hostile_files(tmp_path)
    code = main(["--db", str(tmp_path / "p.db"), "import", *map(str, paths), str(good)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("\n") == 4 and "Traceback" not in captured.err
    assert "INSERT" not in captured.err and "[SQL" not in captured.err and "Six hundred" not in captured.err
    assert captured.out.strip().splitlines()[-1].startswith("1 imported, 0 skipped, 4 failed")


def test_a_lost_server_stops_the_batch_at_once_with_one_line(project, tmp_path):
    if project.dialect != "postgresql":
        pytest.skip("a lost server is a PostgreSQL matter (set WORKBENCH_TEST_PG_URL)")
    files = []
    for number in range(1, 6):
        path = tmp_path / f"P0{number}-interview.txt"
        path.write_text(GOOD.replace("P01", f"P0{number}") + f"Interviewer: number {number}\n", encoding="utf-8")
        files.append(path)
    seen = []

    def kill_after_first(result):
        seen.append(result)
        if len(seen) == 1:  # the server goes away: this database's connections are cut, new ones refused
            import psycopg
            from sqlalchemy import create_engine, event

            killer = create_engine(project.url)
            with killer.connect() as connection:
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ))
            killer.dispose()

            def refuse(*_args, **_kwargs):
                raise psycopg.OperationalError("connection refused: is the server running?")

            event.listen(project.engine, "do_connect", refuse)

    with pytest.raises(UnreachableError) as caught:
        import_paths(project, files, ImportOptions(processes=1), progress=kill_after_first)
    message = str(caught.value)
    assert len(seen) == 1 and "\n" not in message
    assert message.startswith(f"{files[1]}: the project database cannot be reached (")
    assert "the import stopped after 1 of 5 files (1 imported, 0 skipped, 0 failed)" in message


def test_a_driver_error_outside_a_unit_of_work_is_one_line_without_sql(tmp_path, capsys, monkeypatch):
    from sqlalchemy.exc import DataError

    import workbench.cli.project as project_commands

    def explode(_args):  # type: ignore[no-untyped-def]
        raise DataError("INSERT INTO source (text) VALUES (%s)", ("P01: my private words",),
                        Exception("value too long for type character varying(255)\nDETAIL: more"))

    monkeypatch.setattr(project_commands, "cmd_sources", explode)
    assert main(["--db", str(tmp_path / "p.db"), "sources"]) == 2
    err = capsys.readouterr().err
    assert err == "workbench: the database refused the change (value too long for type character varying(255)); nothing was changed\n"
