"""Load: 4 coders applying 50,000 codings concurrently to one project (real processes).

    .venv/bin/python bench/bench_load.py                       # SQLite (a temp file)
    .venv/bin/python bench/bench_load.py --db postgresql+psycopg://postgres@127.0.0.1:54329/postgres

(For PostgreSQL start a throwaway server first: eval "$(bash .ci/postgres.sh start)".)
Each coder is a separate process applying codings through CodingSession, one
transaction per coding action, as the TUI does. Prints codings per second and
the number of lost writes (codings a process reported saved that are not in
the database), which must be 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKER = textwrap.dedent(
    """
    import sys
    from workbench.store.engine import Project
    from workbench.services.coding.session import CodingSession
    url, coder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    session = CodingSession(Project.open(url), coder)
    ids = [session.apply(1, ("bond", "task", "bond.presence")[i % 3], i * 3, i * 3 + 2) for i in range(count)]
    print(" ".join(map(str, ids)))
    """
)

CODEBOOK = """codebook: Load
codes:
  - id: bond
    name: Bond
    children:
      - id: bond.presence
        name: Presence
  - id: task
    name: Task
"""


def prepare(url: str, folder: Path, length: int) -> None:
    from workbench.services.codebook.files import load_codebook
    from workbench.services.importing.batch import import_paths
    from workbench.store.engine import Project

    project = Project.open(url)
    source = folder / "source.txt"
    words = "We talked about the module. " * (length // 28 + 1)
    source.write_text(f"P01: {words}\n", encoding="utf-8")
    import_paths(project, [source])
    book = folder / "codebook.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, book)
    project.close()


def pg_database(admin_url: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"wb_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="PostgreSQL admin URL; a scratch database is created in it (default: SQLite)")
    parser.add_argument("--coders", type=int, default=4)
    parser.add_argument("--codings", type=int, default=50_000)
    args = parser.parse_args()
    each = args.codings // args.coders
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        drop = None
        if args.db:
            url, drop = pg_database(args.db)
        else:
            url = str(folder / "load.db")
        try:
            prepare(url, folder, length=each * 3 + 100)
            started = time.perf_counter()
            workers = [
                subprocess.Popen([sys.executable, "-c", WORKER, url, f"coder{n}", str(each)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
                for n in range(args.coders)
            ]
            reported: set[int] = set()
            for worker in workers:
                out, _ = worker.communicate()
                if worker.returncode != 0:
                    raise SystemExit(f"a coder process failed with exit code {worker.returncode}")
                reported |= {int(x) for x in out.split()}
            elapsed = time.perf_counter() - started
            from sqlalchemy import select

            from workbench.store.engine import Project
            from workbench.store.models import Coding

            project = Project.open(url)
            with project.session() as session:
                stored = set(session.scalars(select(Coding.id)))
            project.close()
        finally:
            if drop:
                drop()
    backend = "PostgreSQL" if args.db else "SQLite"
    total = each * args.coders
    print(f"{backend}: {args.coders} coders, {total:,} codings in {elapsed:.1f} s = {total / elapsed:,.0f} codings/s; "
          f"lost writes: {len(reported - stored)}; stored {len(stored):,}")


if __name__ == "__main__":
    main()
