"""Real processes: concurrent coders lose nothing; SIGKILL mid-work leaves a sound, complete database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import PG_URL, fresh_pg_database
from workbench.store.engine import Project
from workbench.store.models import Coding, Segment, Source, Turn

ROOT = Path(__file__).resolve().parents[2]

CODER = textwrap.dedent(
    """
    import sys
    from workbench.store.engine import Project
    from workbench.services.coding.session import CodingSession
    url, coder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    project = Project.open(url)
    session = CodingSession(project, coder)
    source_id = 1
    for i in range(count):
        coding_id = session.apply(source_id, "bond" if i % 2 else "task", i * 3, i * 3 + 2)
        print(coding_id, flush=True)
    """
)


def prepare(url: str, tmp_path: Path, words: int = 4000) -> None:
    from tests.conftest import CODEBOOK_YAML
    from workbench.services.codebook.files import load_codebook
    from workbench.services.importing.batch import import_paths

    project = Project.open(url)
    transcript = tmp_path / "long.txt"
    transcript.write_text("P01: " + " ".join(f"word{i}." for i in range(words)) + "\n", encoding="utf-8")
    import_paths(project, [transcript])
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    load_codebook(project, book)
    project.close()


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CODER, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run_coders(url: str, coders: int, each: int) -> list[set[int]]:
    processes = [spawn(url, f"coder{n}", str(each)) for n in range(coders)]
    shown = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        shown.append({int(line) for line in out.split()})
    return shown


def assert_all_saved(url: str, shown: list[set[int]], per_coder: int) -> None:
    project = Project.open(url)
    with project.session() as session:
        ids = set(session.scalars(select(Coding.id)))
        by_coder = session.execute(select(Coding.coder_id, func.count()).group_by(Coding.coder_id)).all()
    project.close()
    for seen in shown:
        assert seen <= ids
    assert sorted(count for _, count in by_coder) == [per_coder] * len(shown)


@pytest.mark.slow
def test_four_coders_on_one_sqlite_file_lose_nothing(tmp_path):
    url = str(tmp_path / "team.db")
    prepare(url, tmp_path)
    shown = run_coders(url, coders=4, each=150)
    assert_all_saved(url, shown, 150)


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="needs WORKBENCH_TEST_PG_URL (started by .ci/run)")
def test_four_coders_on_postgresql_lose_nothing(tmp_path):
    with fresh_pg_database() as url:
        prepare(url, tmp_path)
        shown = run_coders(url, coders=4, each=150)
        assert_all_saved(url, shown, 150)


@pytest.mark.slow
def test_sigkill_while_coding_keeps_everything_shown_as_saved(tmp_path):
    url = str(tmp_path / "kill.db")
    prepare(url, tmp_path)
    process = spawn(url, "ana", "100000")
    shown = []
    for line in process.stdout:
        shown.append(int(line))
        if len(shown) == 200:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    project = Project.open(url)
    with project.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with project.session() as session:
        ids = set(session.scalars(select(Coding.id)))
    assert set(shown) <= ids


IMPORTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from workbench.store.engine import Project
    from workbench.services.importing.batch import import_paths
    project = Project.open(sys.argv[1])
    import_paths(project, [Path(sys.argv[2])], progress=lambda r: print(r.source, flush=True))
    """
)


@pytest.mark.slow
def test_sigkill_while_importing_leaves_only_whole_sources(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(60):
        body = "\n".join(f"P{n % 9 + 1:02d}: " + " ".join(f"w{n}x{i}." for i in range(400)) for _ in range(12))
        (folder / f"t{n:02d}.txt").write_text(body, encoding="utf-8")
    url = str(tmp_path / "import.db")
    Project.open(url).close()
    process = subprocess.Popen([sys.executable, "-c", IMPORTER, url, str(folder)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    done = []
    for line in process.stdout:
        done.append(line.strip())
        if len(done) == 5:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    project = Project.open(url)
    with project.engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with project.session() as session:
        names = set(session.scalars(select(Source.name)))
        assert set(done) <= names
        for source_id in session.scalars(select(Source.id)):
            turns = session.scalar(select(func.count()).select_from(Turn).where(Turn.source_id == source_id))
            segments = session.scalar(select(func.count()).select_from(Segment).where(Segment.source_id == source_id))
            assert turns == 12 and segments == 12 * 400
