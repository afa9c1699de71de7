"""Double coding by file in the TUI: ``H`` hands out, the coder codes the handout (blind), ``M`` merges it back.

Driven with Pilot on the real App (tests/tui/conftest.py: ana and me have codings), checked in the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.tui.harness import answer, settle, wait_for, wait_for_screen
from workbench.services.handout.create import make_handout
from workbench.store.engine import Project
from workbench.store.models import Code, Source
from workbench.tui.app import make_app
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.review import ReviewScreen
from workbench.tui.screens.sources import SourcesScreen
from workbench.tui.widgets.merge_summary import MergeSummary
from workbench.tui.widgets.name_prompt import NamePrompt

pytestmark = pytest.mark.anyio
SIZE = (100, 30)


async def merge_with_keys(pilot: Pilot, path: Path) -> MergeSummary:
    """M, the path, then the preview modal (returned: nothing merged yet)."""
    await settle(pilot)
    await pilot.press("M")
    await answer(pilot, str(path))
    return await wait_for_screen(pilot, MergeSummary, timeout=30)


async def test_h_writes_a_handout_with_only_that_coders_codings(make_tui_app, tui_project, tmp_path):
    out = tmp_path / "for-ana.db"
    async with make_tui_app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await answer(pilot, "ana")
        suggested = str(Path(tui_project.db).resolve().parent / "handout-ana.db")  # beside the project, not in the cwd
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, NamePrompt) and pilot.app.screen.value == suggested)
        await answer(pilot, str(out))
        await wait_for(pilot, lambda: out.exists(), timeout=20)
        await settle(pilot)
    handout = Project.open(str(out), create=False)
    try:
        from tests.services.handout_builders import codings

        assert {row[2] for row in codings(handout)} == {"ana"}
        assert codings(handout) == codings(tui_project.project, "ana")
    finally:
        handout.close()


async def test_round_trip_code_in_the_handout_then_merge_with_m(tui_project, make_tui_app, tmp_path):
    out = tmp_path / "handout-ana.db"
    make_handout(tui_project.project, out, "ana")
    start, end = tui_project.span_of("We agreed on small goals each week.")
    # ana codes her handout: it opens blind for her
    app = make_app(str(out), coder="ana")
    assert app.context.blind
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_source_at("P01-interview", start, end)
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)
        assert {c.coder for c in pilot.app.screen.view.codings} == {"ana"}  # blind: me's codings are not even there
        await pilot.press("1")
        await settle(pilot)
    app.context.project.close()
    handout = Project.open(str(out), create=False)
    from tests.services.handout_builders import codings

    theirs = codings(handout)
    handout.close()
    assert ("P01-interview", "bond", "ana", start, end, None) in theirs and len(theirs) == 3
    # the lead merges it back: preview, y, result
    async with make_tui_app(coder="me").run_test(size=SIZE) as pilot:
        preview = await merge_with_keys(pilot, out)
        assert preview.report.dry_run and preview.report.codings_added == 1
        assert len(tui_project.codings("ana")) == 2  # the preview changed nothing
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MergeSummary) and not pilot.app.screen.report.dry_run,
                       timeout=30)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        assert ("bond", "ana", start, end, None) in tui_project.codings("ana")
        assert len(tui_project.codings("ana")) == 3
        # twice: nothing more
        again = await merge_with_keys(pilot, out)
        assert again.report.codings_added == 0 and again.report.layers[0].codings_present == 3
        await pilot.press("escape")
        await settle(pilot)
        # the merged layer is an ordinary coder: the Review screen compares it with ours
        pilot.app.push_screen(ReviewScreen("ana", "me"))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.state is not None,
                       timeout=20)
        await settle(pilot)
        rows = {str(key.value) for key in pilot.app.screen.query_one("#review-codes", DataTable).rows}
        assert {"bond", "bond.trust"} <= rows  # ana's merged Bond (now also on the goals sentence) against me's Trust
        bond = next(d for d in pilot.app.screen.state.disagreements if d.code == "bond" and d.start == start)
        assert (bond.start, bond.end) == (start, end)
    assert len(tui_project.codings("ana")) == 3


async def test_a_conflict_opens_in_the_codebook_screen(tui_project, make_tui_app, tmp_path):
    out = tmp_path / "handout-ana.db"
    make_handout(tui_project.project, out, "ana")
    handout = Project.open(str(out), create=False)
    with handout.session() as session:
        session.execute(update(Code).where(Code.key == "goals").values(definition="Whatever ana thinks goals are."))
    handout.close()
    async with make_tui_app(coder="me").run_test(size=SIZE) as pilot:
        preview = await merge_with_keys(pilot, out)
        assert [c.code_key for c in preview.report.conflicts] == ["goals"]
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MergeSummary) and not pilot.app.screen.report.dry_run,
                       timeout=30)
        await pilot.press("enter")
        await wait_for_screen(pilot, CodebookScreen)
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.selected is not None and screen.selected.key == "goals"
        assert screen.selected.definition is None  # ours kept


async def test_a_file_from_another_project_is_merged_only_when_confirmed(tui_project, make_tui_app, tmp_path):
    from workbench.services.coding.session import CodingSession
    from workbench.services.importing.batch import ImportOptions, import_paths
    from workbench.tui.widgets.confirm import ConfirmScreen

    other = Project.open(str(tmp_path / "elsewhere.db"))  # another study that transcribed the same interview
    import_paths(other, [tmp_path / "P01-interview.txt"], ImportOptions(processes=1))
    out = tmp_path / "elsewhere-ana.db"
    make_handout(other, out, "ana")
    other.close()
    handout = Project.open(str(out), create=False)
    session = CodingSession(handout, "ana")
    worry = session.create_code("Worry")
    start, end = tui_project.span_of("the login kept failing")
    with handout.session() as s:
        source_id = s.scalar(select(Source.id))
    session.apply(source_id, worry.key, start, end)
    handout.close()
    before = len(tui_project.codings("ana"))
    async with make_tui_app(coder="me").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await answer(pilot, str(out))
        await wait_for_screen(pilot, ConfirmScreen, timeout=30)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen) and len(tui_project.codings("ana")) == before
        await pilot.press("M")
        await answer(pilot, str(out))
        await wait_for_screen(pilot, ConfirmScreen, timeout=30)
        await pilot.press("y")
        await wait_for_screen(pilot, MergeSummary, timeout=30)
        assert pilot.app.screen.report.codings_added == 1
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MergeSummary) and not pilot.app.screen.report.dry_run,
                       timeout=30)
        await pilot.press("escape")
        await settle(pilot)
    assert ("inductive.worry", "ana", start, end, None) in tui_project.codings("ana")
