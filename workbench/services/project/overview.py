"""What the Sources screen shows: every source with its counts, the participants and the project's language,
and how much of each source a coder has coded."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.spans import covered_length
from workbench.services.coding.codings import codings_for_source
from workbench.services.project.language import project_language
from workbench.services.project.participants import ParticipantInfo, list_participants
from workbench.services.project.sources import SourceSummary, list_sources
from workbench.store.engine import Project


@dataclass(frozen=True)
class SourcesOverview:
    sources: list[SourceSummary]
    participants: list[ParticipantInfo]
    language: str


def sources_overview(project: Project, coder: str | None) -> SourcesOverview:
    """The sources (with ``coder``'s own counts), the participants and the project's language, in one read."""
    with project.session() as session:
        return SourcesOverview(list_sources(session, coder), list_participants(session), project_language(session))


def coverage_by_source(project: Project, coder: str, sources: list[SourceSummary]) -> dict[str, float]:
    """The percentage of each source's characters ``coder`` has coded (overlapping codings counted once)."""
    coverage: dict[str, float] = {}
    with project.session() as session:
        for source in sources:
            spans = [(c.start, c.end) for c in codings_for_source(session, source.id, coder)]
            coverage[source.name] = 100 * covered_length(spans) / max(1, source.characters)
    return coverage
