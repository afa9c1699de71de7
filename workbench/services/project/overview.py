"""What the Sources screen shows: every source with its counts, the participants and the project's language,
and how much of each source a coder has coded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from workbench.domain.spans import covered_length
from workbench.services.coding.codings import codings_for_source
from workbench.services.project.language import project_language
from workbench.services.project.participants import ParticipantInfo, list_participants
from workbench.services.project.sources import SourceSummary, list_sources
from workbench.store.engine import Project
from workbench.store.models import Source


@dataclass(frozen=True)
class SourcesOverview:
    sources: list[SourceSummary]
    participants: list[ParticipantInfo]
    language: str


def sources_overview(project: Project, coder: str | None) -> SourcesOverview:
    """The sources (with ``coder``'s own counts, without their sizes), the participants and the project's
    language, in one read."""
    with project.session() as session:
        return SourcesOverview(list_sources(session, coder, sizes=False), list_participants(session),
                               project_language(session))


def coverage_by_source(project: Project, coder: str, sources: list[SourceSummary]) -> dict[str, float]:
    """The percentage of each source's characters ``coder`` has coded (overlapping codings counted once)."""
    coverage: dict[str, float] = {}
    with project.session() as session:
        lengths: dict[int, int | None] = {source_id: length for source_id, length in
                                          session.execute(select(Source.id, func.length(Source.text)))}
        for source in sources:
            spans = [(c.start, c.end) for c in codings_for_source(session, source.id, coder)]
            coverage[source.name] = 100 * covered_length(spans) / max(1, lengths.get(source.id) or 0)
    return coverage
