"""Codings CSV import at scale: time and peak memory of a fresh ``workbench codings import`` process.

Builds a project (default 50 generated transcripts, a 20-code codebook), writes a codings CSV of
``--rows`` rows (default 1,000,000; two coders, every fifth row with a memo), then measures
1. ``workbench codings import`` in a fresh process (what the user waits for: start, read, check,
   insert, audit, commit), its wall time and peak RSS;
2. the same file again in a fresh process (every row a duplicate of one already in the project);
3. the core function (``import_codings_csv``) in this process on a fresh copy of the project.
Target (issue 11): < 60 s and < 300 MB RSS for 1,000,000 rows.

    .venv/bin/python bench/bench_codings_csv.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import generate  # noqa: E402

CODES = [f"c{n:02d}" for n in range(20)]


def build_project(folder: Path) -> tuple[Path, dict[str, int]]:
    from workbench.services.codebook.files import load_codebook
    from workbench.services.importing.batch import ImportOptions, import_paths
    from workbench.store.engine import Project
    from workbench.store.models import Source

    transcripts = folder / "transcripts"
    transcripts.mkdir()
    generate(transcripts, 100_000, 50)
    book = folder / "book.yaml"
    book.write_text("codebook: Bench\ncodes:\n" + "".join(f"  - id: {c}\n    name: Code {c}\n" for c in CODES), encoding="utf-8")
    db = folder / "project.db"
    project = Project.open(str(db))
    import_paths(project, [transcripts], ImportOptions(processes=1))
    load_codebook(project, book)
    from sqlalchemy import func, select

    with project.session() as session:
        lengths = dict(session.execute(select(Source.name, func.length(Source.text))).all())
    project.close()
    return db, lengths


def write_csv(path: Path, rows: int, lengths: dict[str, int], seed: int = 11) -> None:
    rng = random.Random(seed)
    names = sorted(lengths)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("source,code,start,end,coder,memo\n")
        for number in range(rows):
            name = names[number * len(names) // rows]  # sorted by source, as an export is
            start = rng.randrange(lengths[name] - 200)
            memo = f"note {number}" if number % 5 == 0 else ""
            handle.write(f"{name},{rng.choice(CODES)},{start},{start + rng.randint(5, 200)},{rng.choice(('ana', 'ben'))},{memo}\n")


def fresh_process(db: Path, csv: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS in MB and the last output line of one ``workbench codings import`` run.

    CPU seconds are printed beside the wall time because this machine is shared: under load the wall time
    grows with what other processes take, the CPU time does not."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench", "--db", str(db), "--coder", "ana", "codings", "import", str(csv)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"import failed: {err.strip()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, lengths = build_project(folder)
        pristine = folder / "pristine.db"
        shutil.copy(db, pristine)
        csv = folder / "codings.csv"
        write_csv(csv, args.rows, lengths)
        size = csv.stat().st_size / 2**20
        print(f"{args.rows:,} rows ({size:.0f} MB) into {len(lengths)} sources, 20 codes, 2 coders")

        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        seconds, cpu, peak, line = fresh_process(db, csv)
        print(f"fresh process, new codings:    {seconds:6.1f} s wall  {cpu:6.1f} s CPU  peak RSS {peak:5.0f} MB  ({line})")
        seconds, cpu, peak, line = fresh_process(db, csv)
        print(f"fresh process, all duplicates: {seconds:6.1f} s wall  {cpu:6.1f} s CPU  peak RSS {peak:5.0f} MB  ({line})")

        from workbench.services.coding.codings_csv import import_codings_csv
        from workbench.store.engine import Project

        project = Project.open(str(pristine))
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_codings_csv(project, csv, "ana")
        print(f"core function (import_codings_csv): {time.perf_counter() - started:6.1f} s wall  "
              f"{time.process_time() - cpu_started:6.1f} s CPU  ({report.imported:,} imported)")
        project.close()


if __name__ == "__main__":
    main()
