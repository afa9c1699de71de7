"""The coding plan is one rule: what the transcript view previews is what the coding session stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.domain.coding_plan import plan_apply, plan_toggle, plan_uncode
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import import_paths
from workbench.services.text.documents import load_document
from workbench.store.engine import Project
from workbench.tui.widgets.transcript_model import PENDING_ID, preview_toggle

SPAN = st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda p: (p[0], p[0] + p[1]))


def test_the_plans_follow_nvivos_coding_references() -> None:
    class C:
        def __init__(self, start: int, end: int, memo: str | None = None) -> None:
            self.start, self.end, self.memo = start, end, memo

    a, b = C(0, 5, "first"), C(8, 12, "second")
    applied = plan_apply([a, b], (5, 8), "new")
    assert applied.removed == (a, b) and [(p.start, p.end, p.memo) for p in applied.added] == [(0, 12, "first\nsecond\nnew")]
    split = plan_uncode([C(0, 10, "m")], (3, 5))
    assert [(p.start, p.end, p.memo) for p in split.added] == [(0, 3, "m"), (5, 10, "m")] and not split.coded
    assert not plan_toggle([C(0, 10)], (2, 4)).coded and plan_toggle([C(0, 3)], (2, 4)).coded


def test_toggling_a_fully_coded_span_uncodes_it_and_nothing_else() -> None:
    plan = plan_uncode([], (0, 4))
    assert not plan.changes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(SPAN, min_size=1, max_size=6))
def test_preview_and_stored_result_agree(coded_project, actions) -> None:  # type: ignore[no-untyped-def]
    """Toggle spans of one code as the TUI does: the preview of each action equals what was stored."""
    project, source = coded_project
    coding = CodingSession(project, "ana")
    for existing in coding.codings(source.id):
        coding.remove(existing.id)
    code = next(c for c in coding.codes() if c.key == "bond")
    for start, end in actions:
        span = (min(start, len(source.text) - 1), min(end, len(source.text)))
        before = coding.codings(source.id)
        (removed, added), coded = preview_toggle(before, "ana", code, source.name, span)
        now_coded = coding.toggle(source.id, code.key, *span)
        expected = sorted([(c.start, c.end, c.memo) for c in before if c not in removed]
                          + [(c.start, c.end, c.memo) for c in added])  # fmt: skip
        assert coded == now_coded
        assert sorted((c.start, c.end, c.memo) for c in coding.codings(source.id)) == expected
        assert all(c.id == PENDING_ID for c in added)


@pytest.fixture
def coded_project(project: Project, interview_file: Path, codebook_file: Path):  # type: ignore[no-untyped-def]
    load_codebook(project, codebook_file)
    import_paths(project, [interview_file])
    return project, load_document(project, "P01-interview")
