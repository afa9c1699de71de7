"""Issue 18: the screens at 80×24 — footers keep their keys, help wraps, search and suggestion feedback,
Retrieve's boxes and focus, Review's first open code, the transcript's emoji and right-to-left lines."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.tui.harness import open_coding, settle, text_of
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.retrieve import RetrieveScreen
from workbench.tui.screens.review import ReviewScreen
from workbench.tui.screens.themes import ThemesScreen
from workbench.tui.widgets.check_list import CheckList
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.transcript_view import TranscriptView

pytestmark = pytest.mark.anyio
NARROW = (80, 24)


def footer_labels(pilot: Pilot) -> list[str]:
    footer = pilot.app.screen.query_one(KeyFooter)
    return [item.label for row in footer.rows for item in row]


async def test_review_and_themes_keep_their_keys_at_80_columns(make_tui_app):
    async with make_tui_app().run_test(size=NARROW) as pilot:
        await settle(pilot)
        pilot.app.push_screen(ReviewScreen("ana", "me"))
        await settle(pilot)
        screen = pilot.app.screen
        codes = screen.query_one("#review-codes", DataTable)
        # The code list opens at the first code that still has open disagreements
        first_open = next(c.code for c in screen.report.codes if screen.state.progress(c.code)[0] < screen.state.progress(c.code)[1])
        assert codes.coordinate_to_cell_key(codes.cursor_coordinate).row_key.value == first_open
        assert screen.report.codes[0].code != first_open or codes.cursor_row == 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.code == first_open
        labels = footer_labels(pilot)
        for key in ("Keep first", "Keep second", "Edit span", "Note", "Undo", "Next open", "Leave", "Help"):
            assert key in labels
        assert len(pilot.app.screen.query_one(KeyFooter).rows) == 2  # a second row, not keys cut off

        pilot.app.pop_screen()
        await settle(pilot)
        pilot.app.action_themes()
        await settle(pilot)
        assert isinstance(pilot.app.screen, ThemesScreen)
        assert {"New theme", "Type", "Codes", "Word", "Back", "Help"} <= set(footer_labels(pilot))


async def test_a_click_on_a_footer_key_presses_it(make_tui_app):
    async with make_tui_app().run_test(size=NARROW) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(KeyFooter)
        y, x = next((y, sum(i.width + 2 for i in row[:n])) for y, row in enumerate(footer.rows)
                    for n, i in enumerate(row) if i.label == "Help")
        await pilot.click(KeyFooter, offset=(1 + x, y))
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_help_wraps_details_and_fits_80_columns(make_tui_app):
    async with make_tui_app().run_test(size=NARROW) as pilot:
        await open_coding(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Key", "Does", "Details"]
        assert table.virtual_size.width <= table.size.width  # nothing cut on the right
        row = next(i for i in range(table.row_count) if "uncode it if already coded" in str(table.get_row_at(i)[2]))
        assert table.rows[table.ordered_rows[row].key].height >= 2
    async with make_tui_app().run_test(size=(160, 40)) as pilot:
        await open_coding(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["Key", "Does", "Details", "Where", "Id"]


async def test_search_status_follows_the_cursor_and_a_says_when_nothing_is_suggested(make_tui_app, notices):
    async with make_tui_app().run_test(size=NARROW) as pilot:
        screen = await open_coding(pilot)
        await pilot.press("slash")
        await pilot.pause()
        # The search box has focus, so letter keys type: the footer shows the keys that still act
        assert footer_labels(pilot)[:3] == ["Submit", "Clear", "Next panel"]
        await pilot.press(*"frustrate", "enter")
        await settle(pilot)
        assert "hit 1/1" in text_of(pilot.app.screen, "#status")
        view = screen.query_one(TranscriptView)
        view.move_to_offset(screen.document.text.index("I trusted my therapist"))
        await pilot.pause()
        assert "hit 1/1" not in text_of(pilot.app.screen, "#status") and "1 hits (n/N)" in text_of(pilot.app.screen, "#status")
        await pilot.press("n")
        await pilot.pause()
        assert "hit 1/1" in text_of(pilot.app.screen, "#status")

        await pilot.press("s")
        await settle(pilot)
        assert view.suggestions
        bare = next(seg for seg in screen.document.segments if not view.suggestions_at((seg.start, seg.end)))
        view.move_to_offset(bare.start)
        await pilot.pause()
        pilot.app.clear_notifications()
        notices.clear()
        await pilot.press("a")
        await pilot.pause()
        assert any(n.startswith("No suggestion at the cursor") for n in notices.messages)


async def test_retrieve_boxes_show_their_state_by_shape_and_focus_is_marked(make_tui_app):
    async with make_tui_app().run_test(size=NARROW) as pilot:
        await settle(pilot)
        pilot.app.push_screen(RetrieveScreen(None))
        await settle(pilot)
        codes = pilot.app.screen.query_one("#retrieve-codes", CheckList)
        assert codes.render_line(0).text.startswith("[ ]")
        await pilot.press("space")
        await settle(pilot)
        assert codes.render_line(0).text.startswith("[x]")
        assert codes.has_focus and codes.styles.border_top[0] == "heavy"
        await pilot.press("tab")
        await pilot.pause()
        assert not codes.has_focus and codes.styles.border_top[0] == "round"


async def test_emoji_and_right_to_left_lines_keep_the_margin_in_its_column(make_tui_app, tui_project, tmp_path):
    from workbench.services.importing.batch import ImportOptions, import_paths

    (tmp_path / "P09.txt").write_text(
        "P09: Honestly 👍🏽👍🏽 most days, and my family 👨‍👩‍👧‍👦 used it 🇬🇧 with me ❤️ every single evening.\n"
        "P09: My grandmother wrote שלום עולם, זה עובד (123) and my uncle مرحبا بالعالم 2024 which read fine.\n",
        encoding="utf-8")
    import_paths(tui_project.project, [tmp_path / "P09.txt"], ImportOptions(kind="interview"))
    async with make_tui_app().run_test(size=NARROW) as pilot:
        await settle(pilot)
        pilot.app.open_source_at("P09")
        await settle(pilot)
        view = pilot.app.screen.query_one(TranscriptView)
        rule_columns = set()
        lines = []
        for y in range(view.size.height):
            strip = view.render_line(y)
            text = strip.text
            lines.append(text)
            if "│" in text:
                # every character alone measures as the whole line does: no terminal can disagree
                assert sum(cell_len(c) for c in text) == strip.cell_length
                rule_columns.add(sum(cell_len(c) for c in text[: text.index("│")]))
        assert len(rule_columns) == 1
        shown = "\n".join(lines)
        assert "םלוע" in shown and "שלום" not in shown  # Hebrew drawn right to left
        assert "👍🏽" not in shown and "👍" in shown
