"""Time ``workbench agreement --coders A B --json`` as the user waits: a fresh process, database to output.

Run as ``.venv/bin/python bench/bench_agreement_cli.py`` (``--help`` for the sizes). The project is built
once into ``bench/out/`` from the same seeded corpus as ``bench_agreement.py`` (2 coders x 60 codes x
4,000,000 words in 400 sources, sentence segments as units) and reused. Printed beside the command: the
core (:func:`compute_agreement` in this process, the bootstrap's draws not cached) and Python's own start-up.
Each figure is the median of ``--repeat`` runs (default 3), wall time and CPU time (user + system); on a
shared machine the CPU time is the steadier one, so the load average is printed first.
Target: the whole command under 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

# What `workbench agreement` does for itself (workbench/cli/agreement.py), so the core is timed the same way.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_agreement import make_corpus  # noqa: E402
from sqlalchemy import Table  # noqa: E402

from workbench.store.bulk import insert_rows  # noqa: E402
from workbench.store.engine import Project  # noqa: E402
from workbench.store.models import Code, Coder, Coding, Segment, Source, Turn  # noqa: E402


def build(path: Path, args: argparse.Namespace) -> None:
    lengths, units, first, second = make_corpus(args)
    now = datetime.now(UTC)
    project = Project.open(str(path), create=True)
    coder_table, code_table, source_table, turn_table, segment_table, coding_table = (
        cast(Table, model.__table__) for model in (Coder, Code, Source, Turn, Segment, Coding)  # declarative: a Table
    )
    with project.engine.begin() as connection:
        connection.execute(coder_table.insert(), [{"id": 1, "name": "first"}, {"id": 2, "name": "second"}])
        connection.execute(code_table.insert(), [{"id": c + 1, "key": f"code-{c:02d}", "name": f"Code {c}",
                                                  "position": c} for c in range(args.codes)])
        code_ids = {f"code-{c:02d}": c + 1 for c in range(args.codes)}
        sources: list[tuple[Any, ...]] = []
        turns: list[tuple[Any, ...]] = []
        segments: list[tuple[Any, ...]] = []
        codings: list[tuple[Any, ...]] = []
        for s, (name, length) in enumerate(lengths.items(), start=1):
            text = ("lorem " * (length // 6 + 1))[:length]
            digest = hashlib.sha256(name.encode()).hexdigest()
            sources.append((s, name, "interview", text, digest, f"{name}.txt", "txt", length // 6, now))
            turns.append((s, s, 0, 0, 0, length))
            segments.extend((s, s, i, a, b) for i, (a, b) in enumerate(units[name]))
            for coder_id, coder in ((1, first), (2, second)):
                for code, spans in coder[name].items():
                    codings.extend((code_ids[code], s, coder_id, a, b, now, now) for a, b in spans)
        insert_rows(connection, source_table, ["id", "name", "kind", "text", "content_hash", "original_filename",
                                               "original_format", "word_count", "imported_at"], sources)
        insert_rows(connection, turn_table, ["id", "source_id", "ordinal", "label_start", "start", "end"], turns)
        insert_rows(connection, segment_table, ["source_id", "turn_id", "ordinal", "start", "end"], segments)
        insert_rows(connection, coding_table, ["code_id", "source_id", "coder_id", "start", "end", "created_at",
                                               "updated_at"], codings)
    project.engine.dispose()


def run(command: list[str], repeat: int) -> str:
    """Median wall time and CPU time (user + system) of the command, as a fresh process each time."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return f"{statistics.median(walls):6.2f} s ({statistics.median(cpus):.2f} s CPU)"


def run_here(call: Callable[[], object], repeat: int) -> str:
    """Median wall time and CPU time of a call in this process."""
    walls, cpus = [], []
    for _ in range(repeat):
        began, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls):6.2f} s ({statistics.median(cpus):.2f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--words", type=int, default=4_000_000)
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--codes", type=int, default=60)
    parser.add_argument("--codings", type=float, default=2.5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = ROOT / "bench" / "out" / f"agreement-{args.words}-{args.sources}-{args.codes}-{args.seed}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        build(path, args)
        print(f"built {path.name} in {time.perf_counter() - began:.1f} s (not part of the target)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; median of {args.repeat}", flush=True)
    python = [sys.executable]
    base = [*python, "-m", "workbench", "--db", str(path), "--coder", "bench", "agreement", "--coders", "first", "second"]
    print(f"{'python -c pass (interpreter start-up)':<58} {run([*python, '-c', 'pass'], args.repeat)}", flush=True)
    for label, extra in (("--json (default: 200 bootstrap resamples)", ["--json"]),
                         ("--json --resamples 0", ["--json", "--resamples", "0"]),
                         ("text table, --resamples 0", ["--resamples", "0"]),
                         ("--unit segment --json", ["--unit", "segment", "--json"])):  # fmt: skip
        print(f"{'workbench agreement ' + label:<58} {run(base + extra, args.repeat)}", flush=True)
    from workbench.agreement.bootstrap import forget_draws
    from workbench.services.agreement.compute import compute_agreement

    project = Project.open(str(path))
    for resamples in (200, 0):

        def core(resamples: int = resamples) -> None:
            forget_draws()  # each run draws afresh, as a fresh process does
            compute_agreement(project, ["first", "second"], resamples=resamples)

        print(f"{f'core: compute_agreement, resamples {resamples}':<58} {run_here(core, args.repeat)}", flush=True)


if __name__ == "__main__":
    main()
