"""Project text is shown as written, never read as Rich markup: Textual's DataTable, Static and notifications
read a ``str`` as markup, so a source named "Interview [draft]" showed as "Interview ", "[bold]P02" lost its
brackets, a "[link=…]" name would have made a terminal hyperlink, and a code named "[link=https://x]…"
crashed the Coding screen's status line with a MarkupError. Found while speeding up the Sources screen
(issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.harness import open_coding, screen_text, settle, wait_for, wait_for_screen
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import import_paths
from workbench.services.text.documents import load_document
from workbench.store.engine import Project
from workbench.tui.app import make_app
from workbench.tui.screens.audit import AuditScreen
from workbench.tui.screens.sources import SourcesScreen

pytestmark = pytest.mark.anyio

NAMES = ("Interview [draft]", "[bold]P02[not a tag")


def bracketed_project(folder: Path, codebook_file: Path) -> str:
    project = Project.open(str(folder / "p.db"))
    load_codebook(project, codebook_file)
    paths = []
    for number, name in enumerate(NAMES, 1):
        paths.append(folder / f"{name}.txt")
        paths[-1].write_text(f"Interviewer: How was it?\nP0{number}: Warm, mostly. I trust the app.\n", encoding="utf-8")
    assert not import_paths(project, paths).failed
    CodingSession(project, "ana").apply(load_document(project, NAMES[0]).id, "bond", 0, 10)
    project.close()
    return str(folder / "p.db")


async def test_names_with_brackets_show_as_written_in_the_sources_and_audit_tables(tmp_path, codebook_file):
    app = make_app(bracketed_project(tmp_path, codebook_file), "ana")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        shown = screen_text(pilot)
        for name in NAMES:
            assert name in shown
        await pilot.press("f7")
        await wait_for_screen(pilot, AuditScreen)
        await settle(pilot)
        assert "bond in Interview [draft] 0-10" in screen_text(pilot)
    app.context.project.close()


HOSTILE_CODE = "[bold]Bond[/bold] [link=https://evil.example]x[/link"
HOSTILE_BOOK = f"""codebook: Hostile
codes:
  - id: bond
    name: "{HOSTILE_CODE}"
"""


async def test_a_code_named_in_markup_is_shown_as_written_on_the_coding_screen(tmp_path):
    (tmp_path / "book.yaml").write_text(HOSTILE_BOOK, encoding="utf-8")
    db = bracketed_project(tmp_path, tmp_path / "book.yaml")
    app = make_app(db, "ana")
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        screen = await open_coding(pilot, NAMES[0])
        screen.view.select(0, 10)
        await settle(pilot)
        shown = screen_text(pilot)
        assert f"here: {HOSTILE_CODE}·ana" in shown  # the status line (it raised a MarkupError)
        pilot.app.notify("[bold]Bond[/bold] [link=x")  # notifications carry names too: shown as written
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("Toast")))
        await settle(pilot)
        assert "[bold]Bond[/bold] [link=x" in screen_text(pilot)
    app.context.project.close()
