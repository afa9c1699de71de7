"""The Sources screen: the table, the filter (kind, participant attribute, name) and Enter."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from workbench.services.project.sources import SourceSummary
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.sources import SourcesScreen, matches

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


async def settle(pilot: Pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows(pilot: Pilot) -> dict[str, list[str]]:
    table = pilot.app.screen.query_one(DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_lists_sources_with_kind_participants_length_and_my_codings(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        table = rows(pilot)
        assert set(table) == {"P01-interview", "FG1-focus-group"}
        name, kind, people, words, turns, codings, mine, percent = table["P01-interview"]
        assert (kind, people, turns, codings, mine) == ("interview", "P01", "4", "3", "1")
        assert int(words) > 40
        assert percent.endswith("%") and percent != "0%"
        assert table["FG1-focus-group"][1:3] == ["focus-group", "P02, P03"]
        assert table["FG1-focus-group"][6:] == ["0", "0%"]


@pytest.mark.parametrize(
    "query, shown",
    [
        ("kind:focus", {"FG1-focus-group"}),
        ("kind:interview", {"P01-interview"}),
        ("site=northgate", {"FG1-focus-group"}),
        ("site=eastbrook", {"P01-interview", "FG1-focus-group"}),
        ("gender=female", {"P01-interview"}),
        ("p03", {"FG1-focus-group"}),
        ("kind:focus gender=female", set()),
    ],
)
async def test_f_filters_by_kind_attribute_or_name(make_tui_app, query, shown):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(pilot.app.focused, Input)
        await pilot.press(*query, "enter")
        await settle(pilot)
        assert set(rows(pilot)) == shown
        assert isinstance(pilot.app.focused, DataTable)
        await pilot.press("escape")
        assert len(rows(pilot)) == 2


async def test_enter_opens_the_highlighted_source_and_q_comes_back(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.source_name == "P01-interview"
        await pilot.press("1")  # Bond on the first sentence: the Sources screen counts it when we come back
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        assert rows(pilot)["P01-interview"][6] == "2"


async def test_q_on_the_sources_quits(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


def test_matches_needs_every_word():
    source = SourceSummary(1, "P07-interview", "interview", ["P07"], 3, 9, 120, 700, 0, 0, "txt")
    people = {"P07": {"Site": "Northgate", "role": "client"}}
    assert matches(source, "", people)
    assert matches(source, "kind:int site=NORTHGATE p07", people)
    assert not matches(source, "kind:int site=eastbrook", people)
    assert not matches(source, "p08", people)


async def test_blind_mode_hides_everyone_elses_counts(make_tui_app):
    async with make_tui_app(blind=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rows(pilot)["P01-interview"][5:7] == ["—", "1"]


async def test_i_imports_a_folder_in_a_worker_and_the_table_shows_the_new_sources(make_tui_app, tmp_path):
    import asyncio

    from workbench.tui.widgets.code_form import NamePrompt

    folder = tmp_path / "new batch"
    folder.mkdir()
    (folder / "P07-interview.txt").write_text("Interviewer: How was it?\nP07: The app kept me going.\n", encoding="utf-8")
    (folder / "P08-interview.txt").write_text("Interviewer: And you?\nP08: I forgot to log in.\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01 not text")
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        for _ in range(100):
            if isinstance(pilot.app.screen, NamePrompt):
                break
            await asyncio.sleep(0.02)
        await pilot.press(*str(folder), "enter")
        for _ in range(250):
            if {"P07-interview", "P08-interview"} <= set(rows(pilot)):
                break
            await asyncio.sleep(0.02)
        await settle(pilot)
        table = rows(pilot)
        assert table["P07-interview"][1:3] == ["interview", "P07"]
        assert "broken" not in table
        messages = [n.message for n in pilot.app._notifications]
        assert "2 imported, 0 skipped, 1 failed" in messages
        assert any(m.startswith(str(folder / "broken.txt")) and "binary" in m for m in messages)


async def test_enter_in_a_burst_opens_the_row_the_keys_reached(make_tui_app):
    """Issue 10: ↓⏎ pasted (or over a slow link) arrive before the table has moved; Enter waits its turn."""
    from textual import events

    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.query_one(DataTable).cursor_row == 0  # FG1-focus-group
        for key in ("down", "enter"):  # posted at once, no waiting between them
            pilot.app.post_message(events.Key(key, None))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CodingScreen) and screen.source_name == "P01-interview"


async def test_home_end_j_k_move_the_row_cursor(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen) and pilot.app.screen.source_name == "P01-interview"
