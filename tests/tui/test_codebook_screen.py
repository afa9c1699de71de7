"""The Codebook screen, driven key by key; every edit is checked in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from textual.widgets import Input, TextArea, Tree

from tests.tui.harness import HarnessApp, answer, settle, text_of, wait_for, wait_for_screen
from workbench.services.codebook import edit
from workbench.store.engine import Project
from workbench.store.models import Code, Coding
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.codebook import CodebookScreen
from workbench.tui.screens.retrieve import RetrieveScreen
from workbench.tui.widgets.code_form import CodeForm, CodeTargetPicker
from workbench.tui.widgets.confirm import ConfirmScreen

SIZE = (100, 30)
pytestmark = pytest.mark.anyio


def make_app(project: Project, blind: bool = False) -> HarnessApp:
    return HarnessApp(WorkbenchContext(project, "ana", blind=blind), CodebookScreen)


def code_row(project: Project, key: str) -> Code | None:
    with project.session() as session:
        return session.scalar(select(Code).where(Code.key == key))


def parent_key(project: Project, key: str) -> str | None:
    with project.session() as session:
        code = session.scalar(select(Code).where(Code.key == key))
        return code.parent.key if code.parent else None


def codings_of(project: Project, key: str) -> int:
    with project.session() as session:
        return session.scalar(select(func.count()).select_from(Coding).join(Code).where(Code.key == key))


async def open_on(pilot, key: str) -> CodebookScreen:
    """Wait for the tree, then put its cursor on ``key``."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodebookScreen)
    assert screen.select_code(key)
    await pilot.pause()
    return screen


def tree_labels(screen: CodebookScreen) -> list[str]:
    labels: list[str] = []

    def walk(node) -> None:
        for child in node.children:
            labels.append(str(child.label))
            walk(child)

    walk(screen.query_one(Tree).root)
    return labels


async def test_tree_shows_codes_with_counts_and_the_detail_pane(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, "bond")
        assert tree_labels(screen) == [
            "■ Bond  1", "■ Trust  1", "■ Goals  2", "■ Task  1",
            "■ Usability heuristics", "■ Feedback  1", "■ Inductive codes",
        ]
        detail = text_of(screen, "#codebook-detail-text")
        assert "The emotional bond between client and therapist." in detail
        assert "Agreement on goals (use Goals)." in detail and "trust, warmth" in detail
        await pilot.press("down")
        assert screen.selected.key == "bond.trust"


async def test_blind_mode_counts_only_the_coders_own_codings(harness_project: Project) -> None:
    async with make_app(harness_project, blind=True).run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, "bond")
        assert "■ Task" in tree_labels(screen)  # ben's coding is not counted for ana


async def test_n_creates_a_child_of_the_selected_code(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, "bond")
        await pilot.press("n")
        form = await wait_for_screen(pilot, CodeForm)
        form.query_one("#form-name", Input).value = "Feels judged"
        form.query_one("#form-definition", TextArea).text = "Fear of being judged by the therapist."
        await pilot.press("ctrl+s")
        await settle(pilot)
        code = code_row(harness_project, "bond.feels_judged")
        assert code is not None and code.definition == "Fear of being judged by the therapist."
        assert parent_key(harness_project, "bond.feels_judged") == "bond" and code.origin == "deductive"
        assert screen.selected.key == "bond.feels_judged"


async def test_form_refuses_an_empty_name_and_a_bad_colour(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "task")
        await pilot.press("e")
        form = await wait_for_screen(pilot, CodeForm)
        form.query_one("#form-colour", Input).value = "blue"
        await pilot.press("ctrl+s")
        assert pilot.app.screen is form
        assert "must look like #RRGGBB" in text_of(form, "#form-error")
        await pilot.press("escape")
        await settle(pilot)
        assert code_row(harness_project, "task").colour == "#59A14F"


async def test_e_edits_every_field_with_the_version_check(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "task")
        before = code_row(harness_project, "task").version
        await pilot.press("e")
        form = await wait_for_screen(pilot, CodeForm)
        form.query_one("#form-definition", TextArea).text = "Agreement on the tasks of therapy."
        form.query_one("#form-when_to_use", TextArea).text = "Homework, exercises."
        form.query_one("#form-when_not_to_use", TextArea).text = "Goals."
        form.query_one("#form-example", TextArea).text = "The homework made sense."
        form.query_one("#form-keywords", Input).value = "homework, exercise"
        form.query_one("#form-colour", Input).value = "#123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        code = code_row(harness_project, "task")
        assert code.definition == "Agreement on the tasks of therapy." and code.example == "The homework made sense."
        assert code.when_to_use == "Homework, exercises." and code.when_not_to_use == "Goals."
        assert code.keywords == ["homework", "exercise"] and code.colour == "#112233"
        assert code.version == before + 1


async def test_e_shows_a_conflict_when_someone_else_saved_first(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "task")
        await pilot.press("e")
        await wait_for_screen(pilot, CodeForm)
        version = code_row(harness_project, "task").version
        edit.update_code(harness_project, "task", expected_version=version, definition="Saved by Ben")
        pilot.app.screen.query_one("#form-definition", TextArea).text = "Saved by Ana"
        pilot.app.screen.query_one("#form-keywords", Input).value = "ana's keyword"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CodeForm) and pilot.app.screen.has_class("-conflict"))
        assert code_row(harness_project, "task").definition == "Saved by Ben"
        # the form stays, with what the user typed, and Ben's version beside it: nothing typed is lost
        form = pilot.app.screen
        assert isinstance(form, CodeForm) and form.has_class("-conflict")
        assert form.query_one("#form-definition", TextArea).text == "Saved by Ana"
        assert form.query_one("#form-keywords", Input).value == "ana's keyword"
        assert "Saved by Ben" in text_of(form, "#form-theirs-text")
        assert "their version is on the right" in text_of(form, "#form-error")
        await pilot.press("ctrl+s")  # seen theirs; save mine over it
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CodeForm)
        assert code_row(harness_project, "task").definition == "Saved by Ana" and code_row(harness_project, "task").keywords == ["ana's keyword"]


async def test_r_renames_and_keeps_the_key(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "bond.trust")
        await pilot.press("r")
        await answer(pilot, "Trust in the therapist")
        await settle(pilot)
        assert code_row(harness_project, "bond.trust").name == "Trust in the therapist"


async def test_m_moves_under_a_code_picked_by_fuzzy_filter(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "task")
        await pilot.press("m")
        await wait_for_screen(pilot, CodeTargetPicker)
        await pilot.press(*"usab")
        await pilot.press("enter")
        await settle(pilot)
        assert parent_key(harness_project, "task") == "usability"


async def test_m_offers_no_code_inside_the_moved_branch(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "bond")
        await pilot.press("m")
        await wait_for_screen(pilot, CodeTargetPicker)
        keys = [choice.key for choice in pilot.app.screen.choices]
        assert None in keys and "goals" in keys and "bond" not in keys and "bond.trust" not in keys
        await pilot.press("escape")
        await settle(pilot)
        assert parent_key(harness_project, "bond") is None


async def test_shift_m_merges_after_confirmation(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "goals")
        await pilot.press("M")
        await wait_for_screen(pilot, CodeTargetPicker)
        await pilot.press(*"task", "enter")
        await wait_for_screen(pilot, ConfirmScreen)
        assert "2 coding(s) of Goals move to Task" in pilot.app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert code_row(harness_project, "goals") is None
        assert codings_of(harness_project, "task") == 3


async def test_d_names_the_codings_and_deletes_on_yes(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "usability")
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmScreen)
        assert "1 sub-code(s) and 1 coding(s)" in pilot.app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert code_row(harness_project, "usability") is not None
        await pilot.press("d")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert code_row(harness_project, "usability") is None and code_row(harness_project, "usability.feedback") is None
        assert codings_of(harness_project, "usability.feedback") == 0


async def test_s_opens_retrieve_and_q_goes_back(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        await open_on(pilot, "bond")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RetrieveScreen)
        assert len(pilot.app.screen.rows) == 2  # bond and its sub-code trust
        await pilot.press("q")
        assert isinstance(pilot.app.screen, CodebookScreen)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, CodebookScreen)


def test_bindings_have_ids_and_tooltips() -> None:
    for binding in CodebookScreen.BINDINGS:
        assert binding.id and binding.id.startswith("codebook.") and binding.tooltip


def test_snapshot(harness_project: Project, snap_compare) -> None:
    async def ready(pilot) -> None:
        await open_on(pilot, "bond")

    assert snap_compare(make_app(harness_project), terminal_size=(80, 24), run_before=ready)


async def test_a_new_code_under_a_collapsed_parent_is_revealed(harness_project: Project) -> None:
    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, "usability")
        await pilot.press("space")  # collapse Usability heuristics
        assert not screen.query_one(Tree).cursor_node.is_expanded
        await pilot.press("n")
        await wait_for_screen(pilot, CodeForm)
        pilot.app.screen.query_one("#form-name", Input).value = "Error messages"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.selected.key == "usability.error_messages"


async def test_the_form_makes_a_code_a_folder(harness_project: Project) -> None:
    from textual.widgets import Checkbox

    async with make_app(harness_project).run_test(size=SIZE) as pilot:
        screen = await open_on(pilot, "usability")
        await pilot.press("e")
        await wait_for_screen(pilot, CodeForm)
        pilot.app.screen.query_one("#form-codable", Checkbox).focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert code_row(harness_project, "usability").codable is False
        assert "folder (not codable)" in text_of(screen, "#codebook-detail-text")
