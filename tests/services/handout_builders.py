"""A small two-coder project for the handout and merge tests (fictional text written here).

``ana`` is the coder handouts are made for; ``zebedee`` is the other coder,
whose name and memos must never reach ana's handout (they are spelled so
that a byte search of the handout file finds any leak).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import CODEBOOK_YAML
from workbench.services.codebook.codes import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.services.themes.edit import create_theme
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Memo, Source, Suggestion

OTHER = "zebedee"
SECRET = "ZEBEDEE-PRIVATE-MEMO"

INTERVIEW = """\
Interviewer: How did the online part change things?
P01: I trust my therapist more than I expected. The homework modules were short.
Interviewer: And between sessions?
P01: I felt she was present even between sessions. The login failed twice.
"""

GROUP = """\
Moderator: What helped?
P02: Doing the homework on the bus. My therapist checked it every week.
P03: Honestly the reminders were annoying. But I trusted the programme.
"""


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build(project: Project, folder: Path) -> Project:
    """Codebook, an interview and a focus group, ana's and zebedee's codings and memos, a theme."""
    (folder / "book.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    load_codebook(project, folder / "book.yaml")
    (folder / "P01-interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "FG1-focus-group.txt").write_text(GROUP, encoding="utf-8")
    (folder / "people.csv").write_text("participant,site\nP01,Eastbrook\nP02,Northgate\nP03,Eastbrook\n", encoding="utf-8")
    import_paths(project, [folder / "P01-interview.txt", folder / "FG1-focus-group.txt"],
                 ImportOptions(processes=1), attributes=folder / "people.csv")
    interview, group = source_id(project, "P01-interview"), source_id(project, "FG1-focus-group")
    ana, other = CodingSession(project, "ana"), CodingSession(project, OTHER)
    first = ana.apply(interview, "bond", *span(INTERVIEW, "I trust my therapist more than I expected."))
    ana.set_coding_memo(first, "ana: trust, said plainly")
    ana.apply(group, "task", *span(GROUP, "Doing the homework on the bus."))
    ana.set_memo("source", interview, "ana: a clear interview")
    third = other.apply(interview, "bond", *span(INTERVIEW, "I trust my therapist"))
    other.set_coding_memo(third, SECRET + " on a coding")
    other.apply(group, "bond.presence", *span(GROUP, "My therapist checked it every week."))
    other.set_memo("source", interview, SECRET + " on a source")
    with project.session() as session:
        task = session.scalar(select(Code.id).where(Code.key == "task"))
        coder = get_or_create_coder(session, OTHER)
        session.add(Suggestion(source_id=group, code_id=task, coder_id=coder.id, start=0, end=9, matched="homework"))
    other.set_memo("code", task, SECRET + " on a code")
    create_theme(project, "Homework fits into life", codes=["task"])
    return project


def source_id(project: Project, name: str) -> int:
    with project.session() as session:
        return session.scalar(select(Source.id).where(Source.name == name))


def codings(project: Project, coder: str | None = None) -> list[tuple]:
    """(source, code, coder, start, end, memo) sorted: what a merge must bring exactly once."""
    with project.session() as session:
        query = (select(Source.name, Code.key, Coder.name, Coding.start, Coding.end, Coding.memo)
                 .join(Source, Source.id == Coding.source_id).join(Code, Code.id == Coding.code_id)
                 .join(Coder, Coder.id == Coding.coder_id))
        if coder is not None:
            query = query.where(Coder.name == coder)
        return sorted(tuple(row) for row in session.execute(query))


def memos(project: Project, coder: str | None = None) -> list[tuple]:
    with project.session() as session:
        query = select(Memo.target_kind, Coder.name, Memo.text).join(Coder, Coder.id == Memo.coder_id)
        if coder is not None:
            query = query.where(Coder.name == coder)
        return sorted(tuple(row) for row in session.execute(query))


def count(project: Project, model: type) -> int:
    with project.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0
