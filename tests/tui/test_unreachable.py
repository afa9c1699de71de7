"""The TUI on a lost or refusing database (issue 11 item 7): the preview is undone even when the reload fails,
and a banner on every screen says the project is unreachable until a change is saved again."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, text

from tests.conftest import PG_URL, fresh_pg_database
from tests.tui.conftest import CODEBOOK, INTERVIEW
from tests.tui.harness import INTERVIEW_NAME, goto, open_coding, settle, text_of, transcript_view
from workbench.services.codebook.files import load_codebook
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.store.engine import Project
from workbench.tui.app import make_app
from workbench.tui.widgets.unreachable_banner import UnreachableBanner

pytestmark = pytest.mark.anyio
SIZE = (100, 30)
SENTENCE = "We agreed on small goals each week."


def _refuse_everything(engine) -> dict[str, bool]:
    """The database refuses every statement while ``down["now"]`` (as a vanished disk or server would)."""
    down = {"now": False}

    def refuse(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if down["now"]:
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", refuse)
    return down


def _mine(codings) -> set[tuple[str, str]]:
    return {(c.code_key, c.coder) for c in codings if c.coder == "me"}


def _banner(pilot) -> str | None:
    banners = pilot.app.screen.query(UnreachableBanner)
    return str(banners.first().render()) if banners else None


async def test_a_failed_write_and_a_failed_reload_undo_the_preview_and_raise_a_banner(make_tui_app, tui_project):
    app = make_tui_app()
    down = _refuse_everything(app.context.project.engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, SENTENCE)
        before = _mine(transcript_view(pilot).codings)
        down["now"] = True
        await pilot.press("4")  # goals: previewed at once, then the write and the reload both fail
        await pilot.pause()
        await settle(pilot)
        assert _mine(transcript_view(pilot).codings) == before  # the preview is gone: the screen shows what was saved
        assert "coded Goals (not saved)" in text_of(pilot.app.screen, "#status")
        assert "Project unreachable" in (_banner(pilot) or "") and "disk I/O error" in _banner(pilot)
        await pilot.press("f3")  # the banner follows to every screen
        await settle(pilot)
        assert "Project unreachable" in (_banner(pilot) or "")
        await pilot.press("escape")
        await settle(pilot)
        down["now"] = False
        await pilot.press("4")  # the same action again, now saved: the banner goes
        await settle(pilot)
        assert ("goals", "me") in _mine(transcript_view(pilot).codings)
        assert _banner(pilot) is None
    span = tui_project.span_of(SENTENCE)
    assert ("goals", "me", *span, None) in tui_project.codings()


async def test_a_read_only_refusal_of_a_write_shows_the_banner_and_the_truth(make_tui_app, tui_project):
    app = make_tui_app()

    def refuse_writes(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("attempt to write a readonly database")

    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await goto(pilot, SENTENCE)
        event.listen(app.context.project.engine, "before_cursor_execute", refuse_writes)
        await pilot.press("4")
        await settle(pilot)
        assert ("goals", "me") not in _mine(transcript_view(pilot).codings)  # reloaded from the database: not saved
        assert "attempt to write a readonly database" in (_banner(pilot) or "")
    assert not [c for c in tui_project.codings() if c[0] == "goals"]


@pytest.mark.skipif(not PG_URL, reason="set WORKBENCH_TEST_PG_URL to run against PostgreSQL")
async def test_a_lost_postgresql_server_undoes_the_preview(tmp_path):
    import psycopg

    with fresh_pg_database() as url:
        project = Project.open(url)
        (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
        load_codebook(project, tmp_path / "book.yaml")
        (tmp_path / f"{INTERVIEW_NAME}.txt").write_text(INTERVIEW, encoding="utf-8")
        import_paths(project, [tmp_path / f"{INTERVIEW_NAME}.txt"], ImportOptions(kind="interview", processes=1))
        project.close()
        app = make_app(url, coder="me")
        async with app.run_test(size=SIZE) as pilot:
            await open_coding(pilot)
            await goto(pilot, SENTENCE)
            killer = Project.open(url)
            with killer.engine.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            killer.close()

            def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
                raise psycopg.OperationalError("connection refused: is the server running?")

            event.listen(app.context.project.engine, "do_connect", refuse)
            await pilot.press("4")
            await pilot.pause()
            await settle(pilot)
            assert _mine(transcript_view(pilot).codings) == set()
            assert "Project unreachable" in (_banner(pilot) or "") and "connection refused" in _banner(pilot)
        app.context.project.close()
