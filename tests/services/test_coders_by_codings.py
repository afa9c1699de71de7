"""``coders_by_codings``: whom the TUI's Review picker offers — coders with codings, most first, never the consensus layer."""

from __future__ import annotations

from pathlib import Path

from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import import_paths
from workbench.services.project.coders import CoderCodings, coders_by_codings
from workbench.services.project.sources import list_sources

CODEBOOK = """\
codebook: Alliance
codes:
  - id: bond
    name: Bond
  - id: task
    name: Task
"""


def test_counts_each_coders_own_codings_most_first_without_consensus(project, tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "book.yaml")
    (tmp_path / "P01.txt").write_text("P01: I trust her. The session was long and we set goals.\n", encoding="utf-8")
    import_paths(project, [tmp_path / "P01.txt"])
    with project.session() as session:
        source_id = list_sources(session)[0].id
    assert coders_by_codings(project) == []
    CodingSession(project, "ana").apply(source_id, "bond", 5, 17)
    for coder, spans in {"ben": [(5, 17), (18, 40), (45, 57)], CONSENSUS_CODER: [(5, 17), (18, 40), (45, 57), (0, 4)]}.items():
        for start, end in spans:
            CodingSession(project, coder).apply(source_id, "task", start, end)
    CodingSession(project, "idle")  # a coder without codings is not offered
    assert coders_by_codings(project) == [CoderCodings("ben", 3), CoderCodings("ana", 1)]
    CodingSession(project, "abe").apply(source_id, "task", 45, 57)  # as many as ana: by name
    assert coders_by_codings(project, consensus=True) == [
        CoderCodings(CONSENSUS_CODER, 4), CoderCodings("ben", 3), CoderCodings("abe", 1), CoderCodings("ana", 1)]
