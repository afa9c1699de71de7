"""The one home of the Pilot helpers every TUI test uses, and a tiny App for driving one screen.

- ``settle`` / ``wait_for`` / ``wait_for_screen``: wait for workers and their messages,
  or for a condition (a modal is up, a file is written) — never a sleep and hope.
- ``answer``: fill the one-line prompt that is up (clear it, type, Enter).
- ``open_coding``, ``transcript_view``, ``selected``, ``goto``: the Coding screen on a source.
- ``record_notices``: every notification any App makes, read through the public
  ``App.notify`` (the ``notices`` fixture in tests/tui/conftest.py calls it), not
  Textual's private notification store.
- ``screen_text``: what the terminal would show, from the public ``App.export_screenshot``.
- ``HarnessApp(context, make_screen)`` holds ``context`` the way the real App
  does, pushes ``make_screen()`` on mount, records what a screen asks of the
  app (``open_source_at`` calls and ``RetrieveScreen.JumpTo`` messages) and
  never touches the user's files; ``build_project`` makes a small project to drive it with.

Import it as ``from tests.tui.harness import ...`` (every TUI test does, so there is one module).
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from rich.cells import cell_len
from sqlalchemy import select
from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Source
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.screens.retrieve import RetrieveScreen
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.widgets.transcript_view import TranscriptView

INTERVIEW_NAME = "P01-interview"  # the sources of tests/tui/conftest.py's ``tui_project``
GROUP_NAME = "FG1-focus-group"
ScreenT = TypeVar("ScreenT", bound=Screen[Any])

CODEBOOK = """\
codebook: Working alliance
codes:
  - id: bond
    name: Bond
    colour: "#4E79A7"
    definition: The emotional bond between client and therapist.
    when_to_use: Trust, warmth, feeling understood.
    when_not_to_use: Agreement on goals (use Goals).
    example: I felt she really got me.
    keywords: [trust, warmth]
    children:
      - id: bond.trust
        name: Trust
        colour: "#76B7B2"
  - id: goals
    name: Goals
    colour: "#F28E2B"
  - id: task
    name: Task
    colour: "#59A14F"
  - id: usability
    name: Usability heuristics
    colour: "#B07AA1"
    children:
      - id: usability.feedback
        name: Feedback
        colour: "#EDC948"
  - id: inductive
    name: Inductive codes
    origin: inductive
    colour: "#BAB0AC"
"""

P01 = """\
Interviewer: How did the sessions go?
P01: I trusted my therapist from the very first session.
Interviewer: And the app?
P01: The app never told me whether my entry was saved.
"""

P02 = """\
Interviewer: What did you work on?
P02: We agreed on goals together and the homework tasks made sense.
"""

GROUP = """\
Moderator: What helped you most?
P01: Setting goals with my therapist helped.
P02: The weekly tasks.
"""

ATTRIBUTES = "participant,gender,role\nP01,female,student\nP02,male,teacher\n"

CODINGS = (
    ("P01", "bond.trust", "I trusted my therapist", "ana"),
    ("P01", "usability.feedback", "The app never told me whether my entry was saved", "ana"),
    ("P02", "goals", "We agreed on goals together", "ana"),
    ("P02", "task", "the homework tasks made sense", "ben"),
    ("P02", "bond", "We agreed on goals together", "ben"),
    ("group", "goals", "Setting goals with my therapist helped.", "ana"),
)


def build_project(folder: Path) -> Project:
    """A project with a codebook, two interviews, a focus group, participant attributes and a few codings."""
    project = Project.open(str(folder / "p.db"))
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, folder / "codebook.yaml")
    for name, text in (("P01", P01), ("P02", P02)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "people.csv").write_text(ATTRIBUTES, encoding="utf-8")
    (folder / "group.txt").write_text(GROUP, encoding="utf-8")
    import_paths(project, [folder / "P01.txt", folder / "P02.txt"], ImportOptions(kind="interview"), folder / "people.csv")
    import_paths(project, [folder / "group.txt"], ImportOptions(kind="focus-group"))
    with project.session() as session:
        for source_name, key, phrase, coder in CODINGS:
            source = session.scalar(select(Source).where(Source.name == source_name))
            start = source.text.index(phrase)
            add_coding(
                session, source=source, code=session.scalar(select(Code).where(Code.key == key)),
                coder=get_or_create_coder(session, coder), start=start, end=start + len(phrase),
            )
    return project


class HarnessApp(App[None]):
    """Pushes one screen over a blank one; records jumps to sources (notifications: ``record_notices``)."""

    def __init__(self, context: WorkbenchContext, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.context = context
        self.make_screen = make_screen
        self.opened: list[tuple[str, int, int]] = []
        self.jumps: list[tuple[str, int, int]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def open_source_at(self, source_name: str, start: int, end: int) -> None:
        self.opened.append((source_name, start, end))

    def on_retrieve_screen_jump_to(self, message: RetrieveScreen.JumpTo) -> None:
        self.jumps.append((message.source_name, message.start, message.end))


# Waiting ---------------------------------------------------------------------------------------------------


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let background workers finish and their messages be handled (``rounds`` times: a handler may start another)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Pause until ``condition()`` holds (a modal is up, a worker posted, a file is written), or fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the screen")
        await pilot.pause(0.02)


async def wait_for_screen(pilot: Pilot[Any], kind: type[ScreenT], timeout: float = 5.0) -> ScreenT:
    """Pause until the screen on top is a ``kind``; return it."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), timeout)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


# Typing ----------------------------------------------------------------------------------------------------


async def answer(pilot: Pilot[Any], text: str | None = None, *, title: str = "", timeout: float = 5.0) -> NamePrompt:
    """Wait for the one-line prompt (whose title holds ``title``), replace what it proposes with ``text``
    typed key by key (``None`` keeps the proposal) and press Enter; returns the prompt."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NamePrompt) and title in pilot.app.screen.prompt_title,
                   timeout)
    prompt = pilot.app.screen
    assert isinstance(prompt, NamePrompt)
    if text is not None:
        await pilot.press("ctrl+u", *text)
        assert prompt.query_one(Input).value == text, "the prompt did not take what was typed"
    await pilot.press("enter")
    return prompt


# The Coding screen -----------------------------------------------------------------------------------------


async def open_coding(pilot: Pilot[Any], name: str = INTERVIEW_NAME) -> CodingScreen:
    """Open ``name`` on the Coding screen (as Enter on the Sources screen does) and wait for its document."""
    await settle(pilot)
    pilot.app.open_source_at(name)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.document is not None
    return screen


def transcript_view(pilot: Pilot[Any]) -> TranscriptView:
    return pilot.app.screen.query_one(TranscriptView)


def selected(pilot: Pilot[Any]) -> str:
    """The text of the selection on the Coding screen."""
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.document is not None
    start, end = transcript_view(pilot).selection.span
    return screen.document.text[start:end]


async def goto(pilot: Pilot[Any], sentence: str) -> None:
    """Put the cursor on the segment that starts with ``sentence``."""
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen) and screen.document is not None
    transcript_view(pilot).move_to_offset(screen.document.text.index(sentence))
    await pilot.pause()
    assert selected(pilot).startswith(sentence)


# What the user sees ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    message: str
    title: str
    severity: str


class Notices(list[Notice]):
    """The notifications made since recording began, oldest first."""

    @property
    def messages(self) -> list[str]:
        return [notice.message for notice in self]


def record_notices(monkeypatch: pytest.MonkeyPatch) -> Notices:
    """Record every notification any App makes (the real App's after it masks passwords), through the
    public ``App.notify`` that screens, widgets and the App all end in."""
    log = Notices()
    original = App.notify

    def notify(self: App[Any], message: str, *, title: str = "", severity: str = "information", **options: Any) -> None:
        log.append(Notice(str(message), title, severity))
        original(self, message, title=title, severity=severity, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "notify", notify)
    return log


_SVG_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)
_SVG_ROW = re.compile(r'<clipPath id="[\w-]+-line-0">\s*<rect [^>]*?width="([\d.]+)"')


def screen_text(pilot: Pilot[Any]) -> str:
    """What the terminal shows, row by row, from the public ``App.export_screenshot`` (the composed
    screen with the screens below it): every character that would be sent, control characters included."""
    svg = pilot.app.export_screenshot()
    row_width = _SVG_ROW.search(svg)
    assert row_width is not None, "the screenshot has no rows"
    cell = float(row_width.group(1)) / pilot.app.size.width
    rows: dict[int, dict[int, str]] = {}
    for x, y, text in _SVG_TEXT.findall(svg):
        if text != "\n":  # the end of each row
            rows.setdefault(int(y), {})[round(float(x) / cell)] = html.unescape(text).replace("\xa0", " ")
    shown = []
    for y in range(pilot.app.size.height):
        row = ""
        for column, text in sorted(rows.get(y, {}).items()):
            row += " " * (column - cell_len(row)) + text  # runs of spaces are not drawn as text
        shown.append(row)
    return "\n".join(shown)


def text_of(node: DOMNode, selector: str) -> str:
    """The text a widget under ``node`` (a screen, a modal) shows: a status line, a heading, a detail pane."""
    return str(node.query_one(selector).render())
