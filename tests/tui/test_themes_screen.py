"""The Themes screen, driven key by key; every change is checked in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import OptionList, Tree

from tests.tui.harness import HarnessApp, answer, settle, wait_for, wait_for_screen
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.services.themes import categories as theme_categories
from workbench.services.themes import edit as themes
from workbench.store.engine import Project
from workbench.store.models import Code, Exemplar, Source, Theme
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.themes import ThemesScreen

pytestmark = pytest.mark.anyio
SIZE = (110, 36)

CODEBOOK = """\
codebook: Alliance
codes:
  - id: bond
    name: Bond
    children:
      - id: bond.trust
        name: Trust
  - id: usability
    name: Usability
    children:
      - id: usability.login
        name: Logging in
"""

TEXT = """\
Interviewer: How was it?
P01: I trusted my therapist from the first session.
Interviewer: And the app?
P01: The log-in failed every single morning.
"""


@pytest.fixture
def project(tmp_path: Path):
    project = Project.open(str(tmp_path / "p.db"))
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "codebook.yaml")
    (tmp_path / "P01.txt").write_text(TEXT, encoding="utf-8")
    import_paths(project, [tmp_path / "P01.txt"], ImportOptions(kind="interview"))
    with project.session() as session:
        source = session.scalar(select(Source))
        for key, phrase in (("bond.trust", "I trusted my therapist"), ("usability.login", "The log-in failed")):
            start = source.text.index(phrase)
            add_coding(session, source=source, code=session.scalar(select(Code).where(Code.key == key)),
                       coder=get_or_create_coder(session, "ana"), start=start, end=start + len(phrase))
    theme_categories.create_category(project, "Contact")
    themes.create_theme(project, "Feeling held", category="Contact", codes=["bond.trust"])
    yield project
    project.close()


def theme_rows(project: Project) -> list[tuple[str, str, str | None]]:
    return [(t.label, t.name, t.category) for t in themes.list_themes(project)]


async def open_screen(pilot) -> ThemesScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ThemesScreen)
    await wait_for(pilot, lambda: screen.selected == ("category", "Contact"))  # the first node, once the tree is built
    await settle(pilot)
    return screen


async def test_the_tree_shows_categories_themes_and_segments(project):
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        tree = screen.query_one(Tree)
        assert [str(node.label).split("  ")[0] for node in tree.root.children] == ["Contact"]
        assert screen.select("theme", "F1")
        await settle(pilot)
        assert screen.theme.label == "F1"
        await wait_for(pilot, lambda: len(screen.segments) == 1)
        assert screen.segments[0].text == "I trusted my therapist" and screen.segments[0].participant == "P01"


async def test_create_type_codes_and_category_with_the_keyboard(project):
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F1")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Locked out", "enter")
        await settle(pilot)
        assert theme_rows(project) == [("F1", "Feeling held", "Contact"), ("F2", "Locked out", "Contact")]
        await wait_for(pilot, lambda: screen.theme is not None and screen.theme.label == "F2")

        await pilot.press("y")
        await pilot.pause()
        await pilot.press(*"barrier", "enter")
        await settle(pilot)
        assert [row[0] for row in theme_rows(project)] == ["F1", "B1"]
        await wait_for(pilot, lambda: screen.theme is not None and screen.theme.label == "B1")

        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"logging", "enter")
        await settle(pilot)
        assert themes.get_theme(project, "B1").codes == ("usability.login",)
        assert themes.get_theme(project, "B1").derived_dimensions == ("usability",)

        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"no category", "enter")
        await settle(pilot)
        assert themes.get_theme(project, "B1").category is None


async def test_describe_a_theme_over_several_lines_and_clear_a_category_description(project):
    theme_categories.update_category(project, "Contact", description="Old words")
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F1")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"Held between sessions.", "enter", *"Also: trust.", "ctrl+s")
        await settle(pilot)
        assert themes.get_theme(project, "F1").description == "Held between sessions.\nAlso: trust."

        await pilot.press("e")  # Escape leaves the description as it was
        await pilot.pause()
        await pilot.press(*" more", "escape")
        await settle(pilot)
        assert themes.get_theme(project, "F1").description == "Held between sessions.\nAlso: trust."

        screen.select("category", "Contact")
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", "ctrl+s")  # line start, delete to its end: an empty text clears it
        await settle(pilot)
        (contact,) = theme_categories.list_categories(project)
        assert contact.description is None


async def test_new_category_dimensions_and_move_down(project):
    themes.create_theme(project, "Second", category="Contact")
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("N")
        await pilot.pause()
        await pilot.press(*"Experience of time", "enter")
        await settle(pilot)
        assert [c.name for c in theme_categories.list_categories(project)] == ["Contact", "Experience of time"]

        screen.select("theme", "F1")
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"usability", "enter")
        await settle(pilot)
        theme = themes.get_theme(project, "F1")
        assert theme.overridden and theme.dimensions == ("bond", "usability")
        await wait_for(pilot, lambda: screen.theme is not None and screen.theme.overridden)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press(*"derived", "enter")
        await settle(pilot)
        theme = themes.get_theme(project, "F1")
        assert not theme.overridden and theme.dimensions == ("bond",)

        await pilot.press("J")
        await settle(pilot)
        assert [row[0] for row in theme_rows(project)] == ["F2", "F1"]


async def test_star_picks_an_exemplar_and_unstars_it(project):
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F1")
        await settle(pilot)
        await wait_for(pilot, lambda: len(screen.segments) == 1)
        await pilot.press("asterisk")
        await settle(pilot)
        with project.session() as session:
            assert len(session.scalars(select(Exemplar)).all()) == 1
        await wait_for(pilot, lambda: screen.segments and screen.segments[0].starred)
        await pilot.press("asterisk")
        await settle(pilot)
        with project.session() as session:
            assert session.scalars(select(Exemplar)).all() == []


async def test_reorder_rename_and_delete(project):
    themes.create_theme(project, "Second", category="Contact")
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F2")
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert [row[0] for row in theme_rows(project)] == ["F2", "F1"]
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+u", *"First now", "enter")
        await settle(pilot)
        assert themes.get_theme(project, "F2").name == "First now"
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        with project.session() as session:
            assert session.scalars(select(Theme.label)).all() == ["F1"]


async def test_every_binding_has_an_id_and_a_tooltip():
    for binding in ThemesScreen.BINDINGS:
        assert binding.id and binding.id.startswith("themes.") and binding.tooltip, binding
    assert "asterisk" in {binding.key for binding in ThemesScreen.BINDINGS}


async def test_the_segment_list_shows_only_your_codings_when_blind(project):
    with project.session() as session:
        source = session.scalar(select(Source))
        start = source.text.index("trusted")
        add_coding(session, source=source, code=session.scalar(select(Code).where(Code.key == "bond.trust")),
                   coder=get_or_create_coder(session, "ben"), start=start, end=start + 7)
    async with HarnessApp(WorkbenchContext(project, "ben", blind=True), ThemesScreen).run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F1")
        await settle(pilot)
        await wait_for(pilot, lambda: len(screen.segments) == 1)
        assert screen.segments[0].coder == "ben"
        assert screen.query_one("#themes-segments", OptionList).option_count == 1


async def test_w_writes_the_word_document_from_the_layer_chosen(project, tmp_path):
    import docx

    from workbench.tui.widgets.code_picker import Picker

    with project.session() as session:  # a consensus layer: the export asks which codings to count
        source = session.scalar(select(Source))
        start = source.text.index("I trusted my therapist")
        add_coding(session, source=source, code=session.scalar(select(Code).where(Code.key == "bond.trust")),
                   coder=get_or_create_coder(session, "consensus"), start=start, end=start + 9)
    out = tmp_path / "themes.docx"
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=SIZE) as pilot:
        await open_screen(pilot)
        await pilot.press("w")
        await answer(pilot, str(out))
        await wait_for_screen(pilot, Picker)
        await pilot.press(*"consensus", "enter")
        await wait_for(pilot, out.exists)
        await settle(pilot)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Feeling held" in text and "“I trusted”" in text  # the consensus coding's span, not ana's


async def test_w_in_blind_mode_counts_only_the_coders_own_codings(project, tmp_path):
    import docx


    out = tmp_path / "mine.docx"
    async with HarnessApp(WorkbenchContext(project, "ana", blind=True), ThemesScreen).run_test(size=SIZE) as pilot:
        await open_screen(pilot)
        await pilot.press("w")
        await answer(pilot, str(out))  # one layer: no question
        await wait_for(pilot, out.exists)
        await settle(pilot)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "“I trusted my therapist”" in text and "coded by ana" in text


async def test_the_type_picker_creates_a_typed_new_type(project):
    async with HarnessApp(WorkbenchContext(project, "ana"), ThemesScreen).run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        screen.select("theme", "F1")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press(*"neutral", "enter")
        await settle(pilot)
        assert [(t.name, t.prefix) for t in theme_categories.list_types(project)][-1] == ("neutral", "N")
        assert [row[0] for row in theme_rows(project)] == ["N1"]
        assert themes.get_theme(project, "N1").type == "neutral"
        await wait_for(pilot, lambda: screen.theme is not None and screen.theme.label == "N1")
        await settle(pilot)
        tree = screen.query_one("#themes-tree")
        assert str(tree.tooltip).startswith("N1 Feeling held")
