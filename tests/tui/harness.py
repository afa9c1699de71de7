"""A tiny App for driving one screen in tests, and a small project to drive it with.

``HarnessApp(context, make_screen)`` holds ``context`` the way the real App
does, pushes ``make_screen()`` on mount, records what a screen asks of the
app (``open_source_at`` calls and ``RetrieveScreen.JumpTo`` messages) and
never touches the user's files. Import it as ``from harness import ...``
(pytest puts this folder on ``sys.path``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Source
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.retrieve import RetrieveScreen

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
    """Pushes one screen over a blank one; records notifications and jumps to sources."""

    def __init__(self, context: WorkbenchContext, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.context = context
        self.make_screen = make_screen
        self.opened: list[tuple[str, int, int]] = []
        self.jumps: list[tuple[str, int, int]] = []
        self.notices: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def notify(self, message: str, **kwargs) -> None:  # type: ignore[override]
        self.notices.append(message)
        super().notify(message, **kwargs)

    def open_source_at(self, source_name: str, start: int, end: int) -> None:
        self.opened.append((source_name, start, end))

    def on_retrieve_screen_jump_to(self, message: RetrieveScreen.JumpTo) -> None:
        self.jumps.append((message.source_name, message.start, message.end))


async def settle(pilot: Pilot) -> None:
    """Let background workers finish and their messages be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Pause until ``condition()`` holds (a modal is up, a worker posted), or fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the screen")
        await pilot.pause(0.02)
