"""Property: whatever a coder does in a handout, the merge brings each distinct coding exactly once,
leaves every other coder's layer as it was, and a second merge changes nothing (the project on SQLite and,
with ``$WORKBENCH_TEST_PG_URL``, on PostgreSQL; a handout is always a file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import table_counts
from tests.services.handout_builders import INTERVIEW, OTHER, build, codings
from workbench.services.handout.create import make_handout
from workbench.services.handout.merge import merge_file
from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Source

KEYS = ("bond", "bond.presence", "task")
coding = st.tuples(st.sampled_from(KEYS), st.integers(0, len(INTERVIEW) - 2), st.integers(1, 60))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    project = Project.open(str(folder / "base.db"))
    build(project, folder)
    project.close()
    return folder / "base.db"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(added=st.lists(coding, max_size=25))
def test_merge_brings_each_coding_once_and_is_idempotent(base, backend, open_project, tmp_path_factory, added):
    folder = tmp_path_factory.mktemp("case")
    if backend == "sqlite":  # a copy of the base file is quicker than building it again
        shutil.copy(base, folder / "p.db")
        project = Project.open(str(folder / "p.db"))
    else:
        project = build(open_project(), folder)
    project.actor = "lead"
    make_handout(project, folder / "h.db", "ana")
    handout = Project.open(str(folder / "h.db"))
    with handout.session() as session:  # straight rows, duplicates included: a file may hold anything
        source = session.scalar(select(Source).where(Source.name == "P01-interview"))
        ana = session.scalar(select(Coder.id).where(Coder.name == "ana"))
        ids = dict(session.execute(select(Code.key, Code.id)).all())
        for key, start, length in added:
            session.add(Coding(source_id=source.id, code_id=ids[key], coder_id=ana, start=start,
                               end=min(start + length, len(source.text))))
    expected = sorted({row[:5] for row in codings(handout)})  # (source, code, coder, start, end), memos aside
    handout.close()
    others = codings(project, OTHER)
    merge_file(project, folder / "h.db")
    assert [row[:5] for row in codings(project, "ana")] == expected
    assert codings(project, OTHER) == others
    before = table_counts(project)
    merge_file(project, folder / "h.db")
    assert table_counts(project) == before
    project.close()
