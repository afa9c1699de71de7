"""Issue 10 in the terminal UI: blind mode closes Review and Audit (and the palette's way to them), blind mode
is remembered per coder, ``w`` on the Themes screen offers every layer and asks before overwriting, and the
audit trail names a coder who has not coded yet."""

from __future__ import annotations

import docx
import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from tests.tui.harness import answer, settle, wait_for, wait_for_screen
from workbench.services.project.blind import set_blind
from workbench.services.themes.edit import create_theme
from workbench.store.models import AuditEntry, Coder
from workbench.tui.app import WorkbenchCommands, make_app
from workbench.tui.screens.sources import SourcesScreen
from workbench.tui.screens.themes import ThemesScreen
from workbench.tui.widgets.code_picker import Picker, TypePicker
from workbench.tui.widgets.confirm import ConfirmScreen

pytestmark = pytest.mark.anyio
SIZE = (110, 36)


async def test_blind_mode_closes_review_and_audit(make_tui_app, notices):
    from workbench.tui.screens.audit import AuditScreen
    from workbench.tui.screens.review import ReviewScreen

    async with make_tui_app(blind=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("f6", "f7"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(pilot.app.screen, SourcesScreen), key  # no picker of coders, no audit trail
            assert not isinstance(pilot.app.screen, (ReviewScreen, AuditScreen, Picker))
        shown = notices.messages
        assert any("Closed while you code blind: the Review screen" in n for n in shown)
        assert any("Closed while you code blind: the audit trail" in n for n in shown)
        titles = {hit.text for hit in [h async for h in WorkbenchCommands(pilot.app.screen).discover()]}
        assert "Review" not in titles and "Audit" not in titles and "Themes" in titles
    async with make_tui_app().run_test(size=SIZE) as pilot:  # not blind: both open
        await settle(pilot)
        titles = {hit.text for hit in [h async for h in WorkbenchCommands(pilot.app.screen).discover()]}
        assert {"Review", "Audit"} <= titles
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AuditScreen)


async def test_blind_mode_is_remembered_per_coder(tui_project):
    assert set_blind(tui_project.project, "me", True)
    assert make_app(tui_project.db, coder="me").context.blind
    assert not make_app(tui_project.db, coder="ana").context.blind
    assert set_blind(tui_project.project, "me", False)
    assert not make_app(tui_project.db, coder="me").context.blind


async def write_with_w(pilot: Pilot, path: str) -> None:
    await pilot.press("w")
    await answer(pilot, path)


async def test_w_offers_every_layer_and_asks_before_overwriting(tui_project, tmp_path):
    create_theme(tui_project.project, "Held", codes=["bond", "bond.trust"])
    out = tmp_path / "themes.docx"
    async with make_app(tui_project.db, coder="me").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await wait_for_screen(pilot, ThemesScreen)
        await settle(pilot)
        await write_with_w(pilot, str(out))
        picker = await wait_for_screen(pilot, Picker)
        assert [value for value, _ in picker.choices] == ["ana", "me"]  # every coder, not only the one logged in
        await pilot.press(*"ana", "enter")
        await wait_for(pilot, out.exists)
        await settle(pilot)
        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
        assert "coded by ana" in text and "I trusted my therapist from the start. She was warm" in text
        written = out.read_bytes()

        await write_with_w(pilot, str(out))
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert out.read_bytes() == written and isinstance(pilot.app.screen, ThemesScreen)

        await write_with_w(pilot, str(out))
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(pilot, Picker)
        await pilot.press(*"me", "enter")
        await wait_for(pilot, lambda: out.read_bytes() != written)
        await settle(pilot)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "coded by me" in text and "She was warm" not in text  # me coded only the first sentence


async def test_the_audit_names_a_coder_who_has_not_coded_yet(tui_project):
    async with make_app(tui_project.db, coder="newbie").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await wait_for_screen(pilot, ThemesScreen)
        await settle(pilot)
        await pilot.press("n")
        await answer(pilot, "Held")
        await settle(pilot)
        await wait_for_screen(pilot, ThemesScreen)
        await settle(pilot)
    with tui_project.project.session() as session:
        rows = session.execute(
            select(Coder.name, AuditEntry.action).join(Coder, Coder.id == AuditEntry.coder_id)
            .where(AuditEntry.entity_kind == "theme")
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [("newbie", "create")]


async def test_y_adds_a_new_type_such_as_neutral(tui_project):
    from workbench.services.themes.categories import list_types
    from workbench.services.themes.edit import get_theme

    create_theme(tui_project.project, "Mixed feelings", codes=["bond"])
    async with make_app(tui_project.db, coder="me").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        screen = await wait_for_screen(pilot, ThemesScreen)
        await settle(pilot)
        assert screen.select("theme", "F1")
        await settle(pilot)
        await pilot.press("y")
        await wait_for_screen(pilot, TypePicker)
        await pilot.press(*"neutral", "enter")  # a type that is not in the list: typed, it is created
        await wait_for_screen(pilot, ThemesScreen)
        await settle(pilot)
    assert [(t.name, t.prefix) for t in list_types(tui_project.project)][-1] == ("neutral", "N")
    assert get_theme(tui_project.project, "N1").name == "Mixed feelings"
