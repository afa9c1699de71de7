"""The demo project, built once for the paper tests (fictional, shipped in transcripts/)."""

from __future__ import annotations

import pytest

from workbench.services.project.demo import build_demo
from workbench.store.engine import Project


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    project = Project.open(str(path))
    build_demo(project)
    project.close()
    return path


@pytest.fixture
def demo(demo_path, tmp_path):
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copy(demo_path, copy)
    project = Project.open(str(copy))
    yield project
    project.close()
