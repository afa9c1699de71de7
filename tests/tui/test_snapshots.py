"""Snapshots of the key screens at fixed sizes (regenerate with ``pytest --snapshot-update`` and read the SVGs)."""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.harness import open_coding, settle


async def coding_with_suggestions(pilot: Pilot) -> None:
    """The interview, suggestions on, the cursor on a sentence two coders coded (Bond and Trust)."""
    await open_coding(pilot)
    await pilot.press("s")
    await settle(pilot)
    await pilot.press("j", "j")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_sources_screen(snap_compare, make_tui_app):
    assert snap_compare(make_tui_app(), terminal_size=(100, 30), run_before=settle)


def test_coding_screen_with_overlaps_and_suggestions(snap_compare, make_tui_app):
    assert snap_compare(make_tui_app(), terminal_size=(100, 30), run_before=coding_with_suggestions)


def test_coding_screen_at_80_by_24(snap_compare, make_tui_app):
    assert snap_compare(make_tui_app(), terminal_size=(80, 24), run_before=coding_with_suggestions)


def test_coding_screen_light_theme_with_definition(snap_compare, make_tui_app):
    async def run_before(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await coding_with_suggestions(pilot)
        await pilot.press("tab", "d")
        await pilot.pause()

    assert snap_compare(make_tui_app(), terminal_size=(110, 32), run_before=run_before)


def test_help_screen(snap_compare, make_tui_app):
    async def run_before(pilot: Pilot) -> None:
        await coding_with_suggestions(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_tui_app(), terminal_size=(100, 30), run_before=run_before)


def test_help_screen_at_80_by_24(snap_compare, make_tui_app):
    """The Details column wraps; the Where and Id columns give way at this width."""

    async def run_before(pilot: Pilot) -> None:
        await coding_with_suggestions(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_tui_app(), terminal_size=(80, 24), run_before=run_before)


def test_review_screen_at_80_by_24(snap_compare, make_tui_app):
    """A code's disagreements open; the footer keeps every decision key on two rows."""

    async def run_before(pilot: Pilot) -> None:
        from workbench.tui.screens.review import ReviewScreen

        await settle(pilot)
        pilot.app.push_screen(ReviewScreen("ana", "me"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_tui_app(), terminal_size=(80, 24), run_before=run_before)


def test_themes_screen_at_80_by_24(snap_compare, make_tui_app, tui_project):
    """A long theme name: cut in the tree, in full in the detail pane; the footer keeps w Word."""
    from workbench.services.themes import edit as themes

    themes.create_theme(tui_project.project, "Feeling held by a therapist who answers between the sessions",
                        codes=["bond.trust"])

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.action_themes()
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_tui_app(), terminal_size=(80, 24), run_before=run_before)
