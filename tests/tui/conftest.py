"""A small project for driving the real App: codebook, two transcripts, attributes, another coder's codings.

The ``tui_project`` fixture builds it in ``tmp_path`` (nothing from ``../shared``
or the demo); ``make_tui_app`` builds a :class:`WorkbenchApp` on it with the
app factory, as ``workbench open`` would, for the coder ``me``.

Also here: ``notices`` records every notification of the test (tests/tui/harness.py,
``record_notices``), and ``harness_project`` is the project (``harness.build_project``)
that the single-screen tests drive — on SQLite only: these tests are about the screens;
the services under them run on SQLite and PostgreSQL in tests/services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.tui.harness import GROUP_NAME, INTERVIEW_NAME, Notices, build_project, record_notices
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Memo, Source, Suggestion
from workbench.tui.app import WorkbenchApp, make_app

CODEBOOK = """\
codebook: Alliance test codebook
codes:
  - id: bond
    name: Bond
    colour: "#4E79A7"
    definition: The emotional bond between client and therapist.
    when_to_use: Trust, warmth, feeling understood.
    keywords: [trust]
    children:
      - {id: bond.trust, name: Trust, colour: "#76B7B2"}
      - {id: bond.warmth, name: Warmth, colour: "#FF9DA7", keywords: [warm]}
  - id: goals
    name: Goals
    colour: "#F28E2B"
    keywords: [goal]
  - id: task
    name: Task
    colour: "#59A14F"
    keywords: [homework]
  - id: usability
    name: Usability
    colour: "#B07AA1"
    definition: How easy the app is to use.
    keywords: [frustrate, login]
  - id: inductive
    name: Inductive codes
    origin: inductive
    colour: "#BAB0AC"
"""

INTERVIEW = """\
Interviewer: How did you find the programme? Tell me about the first weeks.
P01: I trusted my therapist from the start. She was warm and she listened. The app was frustrating at first because the login kept failing. Later it got better.
Interviewer: What did you work on together?
P01: We agreed on small goals each week. The homework exercises made sense to me. I did most of them on the bus.
"""

GROUP = """\
Moderator: What helped you most in the programme?
P02: Setting goals with my therapist helped. The weekly tasks kept me going.
P03: For me it was the messages. Knowing someone would read them.
Moderator: And what got in the way?
P03: Honestly the reminders. They came at odd times.
"""

ATTRIBUTES = "participant,site,gender\nP01,Eastbrook,female\nP02,Northgate,male\nP03,Eastbrook,male\n"



@dataclass
class TuiProject:
    db: str
    project: Project

    def source(self, name: str = INTERVIEW_NAME) -> tuple[int, str]:
        with self.project.session() as session:
            row = session.execute(select(Source.id, Source.text).where(Source.name == name)).one()
            return row[0], row[1]

    def span_of(self, phrase: str, name: str = INTERVIEW_NAME) -> tuple[int, int]:
        start = self.source(name)[1].index(phrase)
        return start, start + len(phrase)

    def codings(self, coder: str | None = "me", name: str = INTERVIEW_NAME) -> list[tuple[str, str, int, int, str | None]]:
        """(code key, coder, start, end, memo) of the codings on a source, sorted."""
        with self.project.session() as session:
            query = (
                select(Code.key, Coder.name, Coding.start, Coding.end, Coding.memo)
                .join(Code, Code.id == Coding.code_id)
                .join(Coder, Coder.id == Coding.coder_id)
                .join(Source, Source.id == Coding.source_id)
                .where(Source.name == name)
                .order_by(Coding.start, Code.key)
            )
            if coder is not None:
                query = query.where(Coder.name == coder)
            return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]

    def memos(self, kind: str) -> list[str]:
        with self.project.session() as session:
            return list(session.scalars(select(Memo.text).where(Memo.target_kind == kind)))

    def suggestion_statuses(self) -> dict[str, str]:
        with self.project.session() as session:
            rows = session.execute(select(Code.key, Suggestion.status).join(Code, Code.id == Suggestion.code_id))
            return {key: status for key, status in rows}

    def code_keys(self) -> list[str]:
        with self.project.session() as session:
            return list(session.scalars(select(Code.key).order_by(Code.key)))


@pytest.fixture
def tui_project(tmp_path: Path) -> TuiProject:
    db = str(tmp_path / "project.db")
    project = Project.open(db)
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "codebook.yaml")
    (tmp_path / f"{INTERVIEW_NAME}.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / f"{GROUP_NAME}.txt").write_text(GROUP, encoding="utf-8")
    (tmp_path / "people.csv").write_text(ATTRIBUTES, encoding="utf-8")
    import_paths(project, [tmp_path / f"{INTERVIEW_NAME}.txt"], ImportOptions(kind="interview"), tmp_path / "people.csv")
    import_paths(project, [tmp_path / f"{GROUP_NAME}.txt"], ImportOptions(kind="focus-group"))
    result = TuiProject(db, project)
    source_id, _ = result.source()
    ana = CodingSession(project, "ana")
    ana.apply(source_id, "bond", *result.span_of("I trusted my therapist from the start. She was warm and she listened."))
    ana.apply(source_id, "usability", *result.span_of("The app was frustrating at first"))
    me = CodingSession(project, "me")
    me.apply(source_id, "bond.trust", *result.span_of("I trusted my therapist from the start."))
    yield result
    project.close()


@pytest.fixture
def make_tui_app(tui_project: TuiProject) -> Callable[..., WorkbenchApp]:
    def build(blind: bool = False, coder: str = "me") -> WorkbenchApp:
        return make_app(tui_project.db, coder=coder, blind=blind)

    return build


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> Notices:
    """Every notification the test's Apps make, in order (``.messages`` for their text)."""
    return record_notices(monkeypatch)


@pytest.fixture
def harness_project(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The harness project (tests/tui/harness.py ``build_project``) in ``tmp_path``, on SQLite."""
    project = build_project(tmp_path)
    yield project
    project.close()
