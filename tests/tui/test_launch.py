"""Issue 12: ``workbench open`` reads the Sources screen's first figures in a forked process while the UI
loads. The read is the one the screen would make, from a project the reader never changes; anything that
stops the reader leaves the screen to read for itself; the reader never outlives its App."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from textual.widgets import DataTable

from tests.tui.harness import settle
from workbench.services.project.overview import sources_overview
from workbench.tui import launch
from workbench.tui.launch import SourcesRead, prepare_app
from workbench.tui.screens import sources as sources_screen
from workbench.tui.screens.sources import SourcesScreen

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="the reader forks on Linux with two cores"),
]


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_forked_read_is_the_screens_own_read(tui_project):
    read = SourcesRead.start(tui_project.db, "me")
    assert read is not None
    assert read.result() == sources_overview(tui_project.project, "me")
    assert reaped(read._pid)
    assert read.result() is None  # answered once; the screen reads for itself after that


def test_a_project_behind_this_version_is_left_to_the_screen_untouched(tui_project, tmp_path):
    with sqlite3.connect(tui_project.db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0006'")
    before = (tmp_path / "project.db").read_bytes()
    read = SourcesRead.start(tui_project.db, "me")
    assert read is not None
    assert read.result() is None  # the reader refused to migrate (the App's own open does that)
    assert (tmp_path / "project.db").read_bytes() == before
    assert not list(tmp_path.glob("project.db.bak*"))


def test_a_missing_project_gives_no_read(tmp_path):
    read = SourcesRead.start(str(tmp_path / "missing.db"), "me")
    assert read is not None and read.result() is None


def test_an_app_that_never_starts_stops_its_reader(tui_project, tmp_path):
    read = SourcesRead.start(tui_project.db, "me")
    assert read is not None
    read.discard()
    assert reaped(read._pid)
    with pytest.raises(Exception, match="no project here"):
        prepare_app(str(tmp_path / "missing.db"), "me")


async def test_the_sources_screen_shows_the_forked_read(tui_project, monkeypatch):
    def must_not_read(project, coder):
        raise AssertionError("the screen read the project itself")

    app = prepare_app(tui_project.db, "me")
    assert app.context.first_read is not None
    monkeypatch.setattr(sources_screen, "sources_overview", must_not_read)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        table = pilot.app.screen.query_one(DataTable)
        assert {str(key.value) for key in table.rows} == {"P01-interview", "FG1-focus-group"}
        mine = {str(key.value): str(table.get_row(key)[7]) for key in table.rows}
        assert mine == {"P01-interview": "1", "FG1-focus-group": "0"}  # "me"'s own codings, from the read
        assert app.context.first_read is None
    app.context.project.close()


def test_a_screen_opened_on_top_leaves_the_sources_to_be_read_when_shown(tui_project):
    """``workbench review`` opens the Review screen over Sources: a read made now would be old by the time
    the coder goes back to Sources, so none is made."""
    app = prepare_app(tui_project.db, "me", start=lambda: SourcesScreen())
    assert app.context.first_read is None
    app.context.project.close()


def test_no_fork_where_threads_already_run(tui_project, monkeypatch):
    monkeypatch.setattr(launch.threading, "active_count", lambda: 2)
    assert SourcesRead.start(tui_project.db, "me") is None
