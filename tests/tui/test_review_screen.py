"""The Review screen driven with Pilot through a whole session on the two-coder fixture (tests/data/agreement).

Disagreements of ana (first) and ben (second), by code, worst kappa first:

    contact    s1 182-215 (ben only), s2 174-219 (ben only)
    trust      s1 48-130 (ana 48-130, ben 48-94)
    usability  s1 131-181 (ana whole, ben minus the space at 156), s2 107-173 (ana 107-173, ben 107-141)

Agreed regions (copied to consensus on opening): trust s2 31-68, contact s2 69-106.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, TextArea

from tests.tui.harness import HarnessApp, Notices, settle, text_of, wait_for, wait_for_screen
from workbench.services.agreement import review
from workbench.services.codebook.edit import get_code
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.importing.batch import import_paths
from workbench.store.engine import Project
from workbench.store.models import Adjudication, AuditEntry, Code, Coder, Coding, Source
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.review import ReviewScreen
from workbench.tui.widgets.disagreement_view import DisagreementView, RefineDefinitionScreen

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"
SIZE = (120, 40)
pytestmark = pytest.mark.anyio


@pytest.fixture
def project(tmp_path: Path):
    opened = Project.open(str(tmp_path / "p.db"))
    load_codebook(opened, DATA / "codebook.yaml")
    import_paths(opened, [DATA / "s1.txt", DATA / "s2.txt"])
    import_codings_csv(opened, DATA / "codings.csv", default_coder="nobody")
    yield opened
    opened.close()


def harness(project: Project) -> HarnessApp:
    return HarnessApp(WorkbenchContext(project, "lead"), lambda: ReviewScreen("ana", "ben"))


async def opened(pilot) -> ReviewScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await wait_for(pilot, lambda: screen.state is not None)
    await settle(pilot)
    return screen


def where(screen: ReviewScreen) -> tuple[str, str, int, int] | None:
    current = screen.current()
    return None if current is None else current.key


def consensus(project: Project) -> list[tuple[str, str, int, int]]:
    with project.session() as session:
        rows = session.execute(
            select(Code.key, Source.name, Coding.start, Coding.end)
            .join(Source, Source.id == Coding.source_id).join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == "consensus")
            .order_by(Code.key, Source.name, Coding.start)
        ).all()  # fmt: skip
    return [tuple(r) for r in rows]


def status(screen: ReviewScreen) -> str:
    return text_of(screen, "#review-status")


async def test_a_whole_review_session(project: Project, notices: Notices) -> None:
    app = harness(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert any("2 region(s) both coders coded alike were copied" in n for n in notices.messages)
        codes = screen.query_one("#review-codes", DataTable)
        assert [str(codes.get_row_at(i)[0]) for i in range(codes.row_count)] == [
            "Contact (contact)", "Trust (trust)", "Usability (usability)"]  # fmt: skip
        assert "0 of 5 disagreements resolved" in status(screen)

        await pilot.press("enter")  # contact
        await settle(pilot)
        assert where(screen) == ("s1", "contact", 182, 215)
        shown = str(screen.view.render())
        assert "182–215" in shown and "only ben coded Contact here" in shown
        await pilot.press("x")  # neither
        await settle(pilot)
        assert where(screen) == ("s2", "contact", 174, 219)  # the cursor moved on to the next open one
        await pilot.press("2")  # keep ben's
        await settle(pilot)
        assert any("all 2 disagreements of Contact resolved" in n for n in notices.messages)

        await pilot.press("escape", "down", "enter")  # trust
        await settle(pilot)
        assert where(screen) == ("s1", "trust", 48, 130)
        await pilot.press("n")
        await pilot.press(*"diary reading")
        await pilot.press("enter")
        assert screen.query_one("#review-note", Input).value == "diary reading"
        await pilot.press("i")  # intersection: 48-94
        await settle(pilot)

        await pilot.press("escape", "down", "enter")  # usability
        await settle(pilot)
        assert where(screen) == ("s1", "usability", 131, 181)
        await pilot.press("u")  # union: 131-181
        await settle(pilot)
        assert where(screen) == ("s2", "usability", 107, 173)
        await pilot.press("e")  # edit from 107-173: move the end back seven word ends to "tap" (140), then one char
        assert screen.view.editing and screen.view.has_focus
        await pilot.press("o", *["b"] * 7, "right")
        assert screen.view.edit == (107, 141)
        assert "⟦" in str(screen.view.render()) and "edited span: 107–141" in str(screen.view.render())
        await pilot.press("enter")
        await settle(pilot)
        assert ("usability", "s2", 107, 141) in consensus(project)
        assert "5 of 5 disagreements resolved" in status(screen)

        await pilot.press("z")  # undo the edit
        await settle(pilot)
        assert ("usability", "s2", 107, 141) not in consensus(project)
        assert where(screen) == ("s2", "usability", 107, 173) and "4 of 5" in status(screen)
        assert any("undid 'edited'" in n for n in notices.messages)
        await pilot.press("1")  # keep ana's instead
        await settle(pilot)
        assert "5 of 5 disagreements resolved" in status(screen)

    assert consensus(project) == [
        ("contact", "s2", 69, 106), ("contact", "s2", 174, 219), ("trust", "s1", 48, 94), ("trust", "s2", 31, 68),
        ("usability", "s1", 131, 181), ("usability", "s2", 107, 173),
    ]  # fmt: skip
    with project.session() as session:
        decisions = session.execute(
            select(Adjudication.decision, Adjudication.note, Coder.name)
            .join(Coder, Coder.id == Adjudication.decided_by_id).order_by(Adjudication.start)
        ).all()  # fmt: skip
    assert sorted(tuple(d) for d in decisions) == sorted([
        ("intersection", "diary reading", "lead"), ("first", None, "lead"), ("union", None, "lead"),
        ("neither", None, "lead"), ("second", None, "lead"),
    ])  # fmt: skip


async def test_resuming_starts_at_the_first_open_disagreement(project: Project, notices: Notices) -> None:
    state = review.start_review(project, "ana", "ben")
    review.adjudicate(project, state, state.disagreements[3], "union")  # usability s1
    app = harness(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert "1 of 5 disagreements resolved" in status(screen)
        assert not any("copied" in n for n in notices.messages)  # nothing new to copy
        codes = screen.query_one("#review-codes", DataTable)
        assert str(codes.get_row_at(2)[5]) == "1 of 2"
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert where(screen) == ("s2", "usability", 107, 173)
        items = screen.query_one("#review-items", DataTable)
        assert str(items.get_row_at(0)[0]) == "✓ union"
        await pilot.press("up")
        assert "resolved: union → 131–181" in str(screen.view.render())


async def test_refining_the_definition_from_a_disagreement(project: Project, notices: Notices) -> None:
    app = harness(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "enter", "d")  # trust
        modal = await wait_for_screen(pilot, RefineDefinitionScreen)
        modal.query_one(TextArea).load_text("The client trusts the therapist's judgement.")
        modal.query_one("#refine-note", Input).value = "diaries are not trust"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert any("definition of Trust updated" in n for n in notices.messages)
    with project.session() as session:
        code = session.scalar(select(Code).where(Code.key == "trust"))
        assert code.definition == "The client trusts the therapist's judgement."
        entry = session.scalar(select(AuditEntry).where(
            AuditEntry.entity_kind == "code", AuditEntry.entity_id == code.id, AuditEntry.action == "update"))
        assert entry.note == "diaries are not trust" and entry.after == {"definition": code.definition}


async def test_a_stale_definition_is_refused(project: Project) -> None:
    app = harness(project)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("down", "enter", "d")
        await wait_for_screen(pilot, RefineDefinitionScreen)
        review.refine_code(project, "trust", expected_version=1, definition="changed elsewhere")
        app.screen.query_one(TextArea).load_text("mine")
        app.screen.query_one("#refine-note", Input).value = "my reason"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, RefineDefinitionScreen) and app.screen.theirs is not None)
        modal = app.screen  # open again with the user's text and note, the other version beside it
        assert modal.query_one(TextArea).text == "mine" and modal.query_one("#refine-note", Input).value == "my reason"
        assert text_of(modal, "#refine-theirs") == "changed elsewhere"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert get_code(project, "trust").definition == "mine"


def test_every_binding_has_an_id_and_a_tooltip() -> None:
    for owner in (ReviewScreen, DisagreementView, RefineDefinitionScreen):
        for binding in owner.BINDINGS:
            assert binding.id and binding.tooltip, (owner.__name__, binding.key)


async def test_a_note_survives_undo_and_redo(project: Project, notices: Notices) -> None:
    """Issue 10: z takes a decision back but keeps its note in the box; y decides again with the note."""
    app = harness(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("down", "enter")  # trust
        await settle(pilot)
        assert where(screen) == ("s1", "trust", 48, 130)
        await pilot.press("n", *"reads the diary, not trust", "enter", "i")
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert where(screen) == ("s1", "trust", 48, 130) and "0 of 5" in status(screen)
        assert screen.query_one("#review-note", Input).value == "reads the diary, not trust"
        await pilot.press("y")
        await settle(pilot)
        assert "1 of 5" in status(screen)
        with project.session() as session:
            row = session.scalar(select(Adjudication))
            assert (row.decision, row.note, row.result) == ("intersection", "reads the diary, not trust", [[48, 94]])
        await pilot.press("z")
        await settle(pilot)
        await pilot.press("2")  # deciding anew keeps the note too
        await settle(pilot)
        with project.session() as session:
            row = session.scalar(select(Adjudication))
            assert (row.decision, row.note) == ("second", "reads the diary, not trust")
        await pilot.press("y")
        await settle(pilot)
        assert any("nothing to redo" in n for n in notices.messages)
