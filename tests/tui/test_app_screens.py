"""The App's other screens: Themes (F5), Review with a coder pair (F6), Audit (F7), and picking up
other coders' work without a restart (Ctrl+R, terminal focus)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual import events
from textual.widgets import DataTable

from tests.tui.harness import open_coding, settle
from workbench.services.coding.session import CodingSession
from workbench.store.models import AuditEntry, Coder
from workbench.tui.screens.audit import AuditScreen
from workbench.tui.screens.sources import SourcesScreen

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


async def test_f5_opens_the_themes_screen(make_tui_app):
    from workbench.tui.screens.themes import ThemesScreen

    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ThemesScreen)


async def test_f6_picks_two_coders_then_opens_the_review(make_tui_app):
    from workbench.tui.screens.review import ReviewScreen

    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"ana", "enter")  # first coder
        await settle(pilot)
        await pilot.press("enter")  # the only other coder: me
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        assert (screen.first, screen.second) == ("ana", "me")


async def test_f7_shows_the_audit_trail_of_the_source_with_the_coder(make_tui_app):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        coding = await open_coding(pilot)
        await pilot.press("1")  # code the first segment with code 1, as "me"
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AuditScreen) and screen.source == coding.source_name
        newest = screen.rows[0]
        assert (newest.action, newest.entity_kind, newest.coder) == ("create", "coding", "me")
        assert screen.query_one(DataTable).row_count == len(screen.rows) >= 3  # the fixture's codings too
        await pilot.press("a")  # the whole project: code creations from the codebook load as well
        await settle(pilot)
        assert any(row.entity_kind == "code" for row in screen.rows)
        await pilot.press("q")
        await settle(pilot)
        assert pilot.app.screen is coding


async def test_ctrl_r_shows_another_coders_new_code_without_a_restart(make_tui_app, tui_project):
    async with make_tui_app().run_test(size=SIZE) as pilot:
        coding = await open_coding(pilot)
        other = CodingSession(tui_project.project, "ben")  # another coder, elsewhere
        created = other.create_code("Feeling judged")
        source_id, _ = tui_project.source()
        other.apply(source_id, created.key, 0, 5)
        assert created.key not in {c.key for c in coding.panel.codes}
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert created.key in {c.key for c in coding.panel.codes}
        assert any(c.coder == "ben" for c in coding.view.codings)


@pytest.mark.parametrize("blind, shown", [(False, {"me", "ana", "ben"}), (True, {"me"})])
async def test_regaining_focus_shows_new_codings_but_blind_mode_keeps_hiding_others(
    make_tui_app, tui_project, blind, shown
):
    async with make_tui_app(blind=blind).run_test(size=SIZE) as pilot:
        coding = await open_coding(pilot)
        source_id, _ = tui_project.source()
        CodingSession(tui_project.project, "ben").apply(source_id, "task", 0, 5)
        pilot.app.post_message(events.AppFocus())  # the terminal window regained focus
        await settle(pilot)
        assert {c.coder for c in coding.view.codings} == shown


def test_changes_made_in_the_ui_are_audited_under_the_coder(make_tui_app, tui_project):
    app = make_tui_app(coder="cleo")
    assert app.context.project.actor == "cleo"
    with app.context.project.session() as session:
        assert session.scalar(select(Coder.name).where(Coder.name == "cleo")) == "cleo"
        assert session.scalar(select(AuditEntry.id).limit(1)) is not None
    assert isinstance(SourcesScreen(), SourcesScreen)
