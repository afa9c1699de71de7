"""The Sources screen's read: each coder's own counts and coverage, from that coder's layer only."""

from __future__ import annotations

import pytest

from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import import_paths
from workbench.services.project.overview import coverage_by_source, sources_overview
from workbench.services.text.documents import load_document


@pytest.fixture
def doc(project, interview_file, codebook_file):
    import_paths(project, [interview_file])
    load_codebook(project, codebook_file)
    return load_document(project, "P01-interview")


def test_coverage_counts_overlapping_codings_once_and_only_the_coders_own(project, doc):
    ana, ben = CodingSession(project, "ana"), CodingSession(project, "ben")
    ana.apply(doc.id, "bond", 0, 40)
    ana.apply(doc.id, "task", 20, 60)  # overlaps bond: 60 characters covered, not 80
    ben.apply(doc.id, "bond", 100, 250)
    overview = sources_overview(project, "ana")
    [source] = overview.sources
    assert (source.name, source.coded_by_coder, source.codings) == ("P01-interview", 2, 3)
    coverage = coverage_by_source(project, "ana", overview.sources)
    assert coverage == {"P01-interview": pytest.approx(100 * 60 / len(doc.text))}
    assert coverage_by_source(project, "ben", overview.sources)["P01-interview"] == pytest.approx(100 * 150 / len(doc.text))
    assert overview.language == "en"
