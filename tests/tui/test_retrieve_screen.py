"""The Retrieve screen: picking codes and filters, the table, the context pane, jumping to a source."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, SelectionList

from tests.tui.harness import HarnessApp, Notices, answer, settle, text_of, wait_for
from workbench.store.engine import Project
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.retrieve import RetrieveScreen

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


def make_app(project: Project, codes: list[str] | None = None, blind: bool = False) -> HarnessApp:
    return HarnessApp(WorkbenchContext(project, "ana", blind=blind), lambda: RetrieveScreen(codes))


def texts(screen: RetrieveScreen) -> list[str]:
    return [row.text for row in screen.rows]


def table_cells(screen: RetrieveScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def start(pilot) -> RetrieveScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RetrieveScreen)
    return screen


async def test_given_codes_are_retrieved_with_sub_codes_and_shown_in_the_table(harness_project: Project) -> None:
    async with make_app(harness_project, ["bond"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert texts(screen) == ["I trusted my therapist", "We agreed on goals together"]
        assert table_cells(screen) == [
            ["P01", "■ Trust", "I trusted my therapist", "P01", "P01", "ana"],
            ["P02", "■ Bond", "We agreed on goals together", "P02", "P02", "ben"],
        ]
        status = text_of(screen, "#retrieve-status")
        assert "2 segment(s) · 2 source(s) · with sub-codes" in status
        await pilot.press("c")
        await settle(pilot)
        assert texts(screen) == ["We agreed on goals together"]


async def test_a_long_retrieval_lists_its_first_page_and_reads_more_as_the_cursor_nears_the_end(
    harness_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.services.coding import retrieve as service
    from workbench.tui.widgets import segment_table

    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    monkeypatch.setattr(segment_table, "MARGIN", 0)
    whole = service.retrieve(harness_project, ["bond", "goals"])
    assert len(whole) == 4
    async with make_app(harness_project).run_test(size=(100, 13)) as pilot:  # the table shows one row
        screen = await start(pilot)  # laid out before anything is retrieved: the first page meets its final size
        codes = screen.query_one("#retrieve-codes", SelectionList)
        codes.select("bond")
        codes.select("goals")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert screen.rows == whole[:2] and table.row_count == 2 and screen.total == 4
        status = text_of(screen, "#retrieve-status")
        assert status.startswith("4 segment(s) · 3 source(s) · 2 shown, more on scroll")
        table.focus()
        await pilot.press("down")  # onto the last row loaded: the next page is read
        await settle(pilot)
        assert screen.rows == whole and table_cells(screen)[2:] == [
            [r.participant or "—", f"■ {r.code_name}", r.text, r.source, r.speaker or "—", r.coder] for r in whole[2:]
        ]
        assert "more on scroll" not in text_of(screen, "#retrieve-status")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert pilot.app.opened == [(whole[3].source, whole[3].start, whole[3].end)]


async def test_a_view_taller_than_the_first_page_reads_the_next_at_once(
    harness_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However the first page and the layout race (a loaded machine), a table with room left asks for more."""
    from workbench.services.coding import retrieve as service
    from workbench.tui.widgets import segment_table

    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    monkeypatch.setattr(segment_table, "MARGIN", 0)
    async with make_app(harness_project, ["bond", "goals"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await settle(pilot)
        assert len(screen.rows) == 4 and screen.query_one(DataTable).row_count == 4


async def test_context_pane_shows_the_quote_with_its_surroundings(harness_project: Project) -> None:
    async with make_app(harness_project, ["bond", "usability"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("down")
        context = text_of(screen, "#retrieve-context-text")
        assert context.startswith("P01 · P01 · Feedback · ana")
        assert "P01: I trusted my therapist" in context  # whole lines before
        assert "The app never told me whether my entry was saved." in context


async def test_space_picks_codes_and_the_filter_narrows_the_list(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.rows == []
        assert "Pick codes" in text_of(screen, "#retrieve-status")
        await pilot.press("slash", *"feed", "enter")
        codes = screen.query_one("#retrieve-codes", SelectionList)
        assert codes.has_focus and codes.option_count == 1
        await pilot.press("space")
        await settle(pilot)
        assert texts(screen) == ["The app never told me whether my entry was saved"]
        screen.query_one("#retrieve-filter", Input).value = ""
        await settle(pilot)
        assert codes.option_count == 7 and codes.selected == ["usability.feedback"]
        await pilot.press("down", "down", "space")  # Goals, from the top of the list
        await settle(pilot)
        assert sorted(texts(screen)) == sorted(
            ["The app never told me whether my entry was saved", "We agreed on goals together",
             "Setting goals with my therapist helped."]
        )


async def test_participant_attribute_and_source_kind_filters(harness_project: Project) -> None:
    async with make_app(harness_project, ["goals", "bond"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert len(screen.rows) == 4
        attributes = screen.query_one("#retrieve-attributes", SelectionList)
        attributes.select(("gender", "female"))
        await settle(pilot)
        assert {row.participant for row in screen.rows} == {"P01"}
        assert texts(screen) == ["Setting goals with my therapist helped.", "I trusted my therapist"]
        kinds = screen.query_one("#retrieve-kinds", SelectionList)
        kinds.focus()
        await pilot.press("space")  # the first kind: focus-group
        await settle(pilot)
        assert [row.source for row in screen.rows] == ["group"]
        await pilot.press("x")
        await settle(pilot)
        assert screen.rows == [] and attributes.selected == [] and kinds.selected == []


async def test_enter_posts_jump_to_and_calls_the_app_hook(harness_project: Project) -> None:
    async with make_app(harness_project, ["task"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        row = screen.rows[0]
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.jumps == [("P02", row.start, row.end)]
        assert pilot.app.opened == [("P02", row.start, row.end)]
        await pilot.press("o")
        await pilot.pause()
        assert len(pilot.app.opened) == 2


async def test_blind_mode_shows_only_the_coders_own_segments(harness_project: Project) -> None:
    async with make_app(harness_project, ["bond", "task"], blind=True).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert {row.coder for row in screen.rows} == {"ana"}
        assert "ana's codings only" in text_of(screen, "#retrieve-status")


async def test_unknown_codes_are_dropped_with_a_warning_and_q_goes_back(harness_project: Project, notices: Notices) -> None:
    async with make_app(harness_project, ["gone"]).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.rows == [] and any("No code gone" in n for n in notices.messages)
        await pilot.press("q")
        assert not isinstance(pilot.app.screen, RetrieveScreen)


def test_bindings_have_ids_and_tooltips() -> None:
    for binding in RetrieveScreen.BINDINGS:
        assert binding.id and binding.id.startswith("retrieve.") and binding.tooltip


def test_snapshot(harness_project: Project, snap_compare) -> None:
    async def ready(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("down")

    assert snap_compare(make_app(harness_project, ["bond", "goals"]), terminal_size=(80, 24), run_before=ready)


async def test_e_writes_the_segments_shown_to_the_file_named(harness_project: Project, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "bond.docx"
    async with make_app(harness_project, ["bond"], blind=True).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert texts(screen) == ["I trusted my therapist"]  # blind: ana's own only
        await pilot.press("e")
        await answer(pilot, str(out))
        await wait_for(pilot, out.exists)
        await settle(pilot)
    document = docx.Document(str(out))
    assert [p.text for p in document.paragraphs if p.style.name == "Quote"] == ["“I trusted my therapist” (P01 · P01)"]


async def test_e_with_nothing_shown_writes_nothing(harness_project: Project, tmp_path: Path) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert pilot.app.screen is screen  # no prompt: there is nothing to export
    assert list(tmp_path.glob("*.docx")) == []
