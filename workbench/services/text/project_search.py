"""Lemma-aware search across the project's sources, each in its own language (``workbench search``).

The same search as the Coding screen's ``/`` (:func:`workbench.services.text.search.search`),
over every source or the named ones, optionally only inside text coded with a
code (or one of its sub-codes) by any coder.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.services.coding.retrieve import code_ids_with_children, context_around
from workbench.services.project.sources import require_source
from workbench.services.text.search import search
from workbench.store.engine import Project
from workbench.store.models import Coding, Source


@dataclass(frozen=True)
class ProjectHit:
    source: str
    language: str
    start: int
    end: int
    text: str
    before: str
    after: str

    def as_json(self) -> dict[str, object]:
        return {"source": self.source, "language": self.language, "start": self.start, "end": self.end, "text": self.text}


def search_project(
    project: Project, query: str, sources: list[str] | None = None, code: str | None = None
) -> list[ProjectHit]:
    """Every hit of ``query`` in the sources (all when None), in source-name then text order."""
    if not query.strip():
        raise WorkbenchError("search: give a word or phrase to look for, e.g. workbench search trust")
    with project.session() as session:
        if sources:
            rows = [(s.id, s.name, s.language) for s in (require_source(session, name) for name in dict.fromkeys(sources))]
        else:
            every = select(Source.id, Source.name, Source.language).order_by(Source.name)
            rows = [(row.id, row.name, row.language) for row in session.execute(every)]
        coded: dict[int, list[tuple[int, int]]] | None = None
        if code is not None:
            ids = code_ids_with_children(session, [code], True)
            coded = {}
            for source_id, start, end in session.execute(
                select(Coding.source_id, Coding.start, Coding.end).where(Coding.code_id.in_(ids))
            ):
                coded.setdefault(source_id, []).append((start, end))
    hits: list[ProjectHit] = []
    for source_id, name, language in sorted(rows, key=lambda row: row[1]):
        if coded is not None and source_id not in coded:
            continue
        with project.session() as session:
            text = session.scalar(select(Source.text).where(Source.id == source_id)) or ""
        for hit in search(text, query, language):
            if coded is not None and not any(a <= hit.start and hit.end <= b for a, b in coded[source_id]):
                continue
            before, after = context_around(text, hit.start, hit.end, width=40)
            hits.append(ProjectHit(name, language, hit.start, hit.end, hit.text, before, after))
    return hits
