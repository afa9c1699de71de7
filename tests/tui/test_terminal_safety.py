"""Issue 11, item 1 (TUI): a transcript, file name, code name and memo holding terminal escapes
(an OSC window title, an OSC 52 clipboard write, a screen clear, a C1 CSI) are shown with their
control characters visible on the Sources and Coding screens and in notifications; nothing raw
reaches the terminal, and the stored text keeps every byte (offsets do not move)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from sqlalchemy import select
from textual.content import Content

from tests.tui.harness import screen_text, settle
from workbench.services.codebook.files import load_codebook
from workbench.services.importing.batch import import_paths
from workbench.services.project.sources import require_source
from workbench.store.engine import Project
from workbench.store.models import Coding
from workbench.tui import safe_display
from workbench.tui.app import make_app
from workbench.tui.screens.coding import CodingScreen

pytestmark = pytest.mark.anyio

TITLE = "\x1b]0;PWNED\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
TRANSCRIPT = f"Interviewer: Hello {TITLE}there\nP01: I felt {CLEAR}cleared {C1_CSI}and {CLIPBOARD}copied.\n"
CODEBOOK = 'codebook: Hostile\ncodes:\n  - id: bond\n    name: "Bond \\e]0;CODE\\a\\e[2J"\n    colour: "#4E79A7"\n'
CONTROL = {*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)}


def hostile_project(folder: Path) -> Project:
    project = Project.open(str(folder / "p.db"))
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, folder / "book.yaml")
    transcript = folder / "P01-inter\x1b[31mview.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    report = import_paths(project, [transcript])
    assert not report.failed
    return project


def raw_controls(text: str) -> list[str]:
    return sorted({repr(ch) for ch in text if ord(ch) in CONTROL and ch != "\n"})


async def test_sources_coding_and_notifications_show_escapes_visibly(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    project.close()
    app = make_app(str(tmp_path / "p.db"), "ana")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        sources = screen_text(pilot)
        assert raw_controls(sources) == []
        assert "P01-inter␛[31mview" in sources

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)
        coding = screen_text(pilot)
        assert raw_controls(coding) == []
        assert "Hello ␛]0;PWNED␇there" in coding  # the transcript, one picture per control character
        assert "␛[2J␛[Hcleared �31mand ␛]52;c;cm0gLXJmIH4=␇copied." in coding
        assert "Bond ␛]0;CODE␇␛[2J" in coding  # the codebook panel

        await pilot.press("1")  # code the first segment: the margin, status line and notification name the code
        await settle(pilot)
        pilot.app.notify(f"source {TITLE} of postgresql://ana:hunter2@db/study")
        for _ in range(50):
            await pilot.pause(0.05)
            if len(pilot.app.screen.query("Toast")) >= 2:
                break
        shown = screen_text(pilot)
        assert raw_controls(shown) == []
        assert "hunter2" not in shown
        assert "source ␛]0;PWNED␇ of postgresql://ana:***@db/study" in shown
        assert pilot.app.screen.view.document.text == TRANSCRIPT
    app.context.project.close()
    project = Project.open(str(tmp_path / "p.db"))
    with project.session() as session:  # stored byte-exact; the coding's offsets are those of the stored text
        assert require_source(session, "P01-inter\x1b[31mview").text == TRANSCRIPT
        codings = session.execute(select(Coding.start, Coding.end)).all()
    assert [TRANSCRIPT[start:end] for start, end in codings] == [f"Hello {TITLE}there"]
    project.close()


def test_textual_and_rich_still_route_text_through_the_patched_names() -> None:
    """If a Textual or Rich upgrade renames the step install() replaces, this fails (and the TUI
    would fall back to the line filter, which removes control characters instead of showing them)."""
    safe_display.install()
    assert Content("a\x1bb\x07c\x9b").plain == "a␛b␇c�"
    assert Content.from_markup("x\x1b[2Jy").plain == "x␛[2Jy"
    assert Text("a\x1bb").plain == "a␛b"
    assert Content.from_rich_text(Text("t\x1b]0;x\x07")).plain == "t␛]0;x␇"


def test_the_line_filter_removes_what_is_left_without_moving_anything() -> None:
    from rich.segment import Segment
    from textual.color import Color

    kept = Segment("plain text")
    filtered = safe_display.ControlFilter().apply([kept, Segment("a\x1b[2Jb\x9b")], Color(0, 0, 0))
    assert filtered[0] is kept
    assert filtered[1].text == "a[2Jb"
