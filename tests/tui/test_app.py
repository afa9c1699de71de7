"""The App: factory, coder in the header, help and palette generated from the bindings, navigation, CLI."""

from __future__ import annotations

import inspect

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable

from tests.tui.harness import open_coding, settle
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.tui.app import WorkbenchApp, WorkbenchCommands, make_app
from workbench.tui.launch import run_workbench
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.help import HelpScreen, collect_bindings
from workbench.tui.screens.sources import SourcesScreen
from workbench.tui.widgets.transcript_view import TranscriptView

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


def test_factory_and_runner(tui_project, tmp_path):
    app = make_app(tui_project.db, coder="me", blind=True)
    assert isinstance(app, WorkbenchApp)
    assert (app.context.coder, app.context.blind, app.coding.coder) == ("me", True, "me")
    assert list(inspect.signature(run_workbench).parameters) == ["db", "coder", "blind", "start", "upload_url"]
    with pytest.raises(WorkbenchError, match="no project here"):
        make_app(str(tmp_path / "missing.db"), coder="me")


async def test_the_coder_is_always_in_the_header(make_tui_app):
    async with make_tui_app(blind=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "coder: me" in pilot.app.sub_title and "blind" in pilot.app.sub_title
        screen = await open_coding(pilot)
        assert "coder: me" in screen.sub_title and "P01-interview" in screen.sub_title


async def test_help_lists_every_binding_of_the_screen_it_came_from(make_tui_app):
    # wide enough for the Id column (narrower terminals leave it out; tests/tui/test_narrow_terminal.py)
    async with make_tui_app().run_test(size=(160, 40)) as pilot:
        await open_coding(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one(DataTable)
        ids = {str(table.get_row_at(row)[4]) for row in range(table.row_count)}
        expected = {b.id for b in CodingScreen.BINDINGS} | {b.id for b in TranscriptView.BINDINGS}
        expected |= {b.id for b in WorkbenchApp.BINDINGS}
        assert expected <= ids
        keys = {str(table.get_row_at(row)[4]): str(table.get_row_at(row)[0]) for row in range(table.row_count)}
        assert keys["transcript.next-segment"] == "↓, j"
        assert keys["coding.accept"] == "a, ⏎"
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, CodingScreen)


async def test_help_on_the_sources_screen(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        entries = pilot.app.screen.entries
        assert {"sources.open", "sources.filter", "sources.quit", "app.help"} <= {e.binding.id for e in entries}
        assert all(e.binding.tooltip for e in entries if e.binding.id)


async def test_the_palette_lists_every_action_and_runs_them(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        screen = await open_coding(pilot)
        provider = WorkbenchCommands(screen)
        titles = {hit.text for hit in [h async for h in provider.discover()]}
        assert {e.title for e in collect_bindings(screen)} - {"palette"} <= titles
        assert {"Suggest", "Undo", "Next segment", "Search", "Code 4", "Find code"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"Suggest")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.suggestions_on and screen.view.suggestions


async def test_open_source_at_reuses_the_coding_screen_underneath(make_tui_app):
    from workbench.tui.screens.retrieve import RetrieveScreen

    async with make_tui_app().run_test(size=SIZE) as pilot:
        coding = await open_coding(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RetrieveScreen)
        start = coding.document.text.index("The homework")
        pilot.app.open_source_at("P01-interview", start, start + 12)
        await settle(pilot)
        assert pilot.app.screen is coding
        assert coding.view.selection.span == (start, start + 12)
        await pilot.press("f4")
        await settle(pilot)
        pilot.app.open_source_at("FG1-focus-group", 0, 9)
        await settle(pilot)
        other = pilot.app.screen
        assert isinstance(other, CodingScreen) and other.source_name == "FG1-focus-group"
        assert other.view.selection.span == (0, 9)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RetrieveScreen)


async def test_f3_opens_the_codebook_and_f2_comes_back_to_the_sources(make_tui_app):
    from workbench.tui.screens.codebook import CodebookScreen

    async with make_tui_app().run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodebookScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)


def test_cli_suggest_counts_pending_suggestions(tui_project, capsys):
    assert main(["--db", tui_project.db, "--coder", "me", "suggest", "--source", "P01-interview"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("5 suggestions pending for me on P01-interview")
    assert set(tui_project.suggestion_statuses().values()) == {"pending"}
    assert main(["--db", tui_project.db, "--coder", "me", "suggest", "--source", "nope"]) == 2


async def test_coming_back_from_the_codebook_reloads_the_codes(make_tui_app, tui_project):
    from sqlalchemy import update

    from workbench.store.models import Code

    async with make_tui_app().run_test(size=SIZE) as pilot:
        coding = await open_coding(pilot)
        await pilot.press("f3")
        await settle(pilot)
        with tui_project.project.session() as session:
            session.execute(update(Code).where(Code.key == "task").values(name="Tasks and homework"))
        await pilot.press("q")
        await settle(pilot)
        assert pilot.app.screen is coding
        assert "Tasks and homework" in {c.name for c in coding.panel.codes}
