"""Project text in a table is shown as written: Textual's DataTable would read a ``str`` cell as Rich markup, so
a source named "Interview [draft]" showed as "Interview " and "[bold]P02" lost its brackets (and a
"[link=…]" name would have made a terminal hyperlink). Found while speeding up the Sources screen (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.harness import screen_text, settle, wait_for_screen
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
