"""Merging a handout holding 50,000 codings back into its project (target < 5 s, a fresh process).

    .venv/bin/python bench/bench_merge.py [--codings 50000] [--sources 20]

Builds a project (generated transcripts, a codebook with 30 codes, 2,000
codings of another coder), makes a handout for ``ana`` with ``workbench
handout``, writes 50,000 codings (with a memo on every tenth) into the handout,
then times, each in a new process as a user would run it:

* ``workbench merge handout.db --dry-run``
* ``workbench merge handout.db`` (the real merge: one transaction, audited)
* ``workbench merge handout.db`` again (nothing to add)

and the core function (:func:`merge_file`) in this process on a fresh copy.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("trust", "therapist", "module", "homework", "app", "session", "goal", "felt", "weekly", "reminder", "login")


def codebook(codes: int) -> str:
    lines = ["codebook: Bench", "codes:"]
    for top in range(codes // 5):
        lines += [f"  - id: c{top}", f"    name: Code {top}", "    children:"]
        lines += [f"      - {{id: c{top}.s{child}, name: Sub {child}}}" for child in range(4)]
    lines += ["  - id: inductive", "    name: Inductive codes", "    origin: inductive"]
    return "\n".join(lines) + "\n"


def transcript(seed: int, turns: int = 120) -> str:
    rnd = random.Random(seed)
    out = []
    for turn in range(turns):
        speaker = "Interviewer" if turn % 2 == 0 else f"P{seed:02d}"
        out.append(f"{speaker}: " + " ".join(rnd.choice(WORDS) for _ in range(40)) + ".")
    return "\n".join(out) + "\n"


def run(*args: str) -> tuple[float, float]:
    """Run ``workbench ARGS`` in a new process; (wall seconds, CPU seconds of that process)."""
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "workbench", *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    if done.returncode:
        raise SystemExit(f"workbench {' '.join(args)} failed: {done.stderr}")
    lines = done.stdout.strip().splitlines()
    print("   ", lines[min(1, len(lines) - 1)] if lines else "")
    return elapsed, used


def fill_handout(path: Path, count: int) -> None:
    """Write ``count`` codings of the handout's coder straight into the handout (as if coded there)."""
    from sqlalchemy import select

    from workbench.store.engine import Project
    from workbench.store.models import Code, Coder, Coding, Source

    handout = Project.open(str(path))
    rnd = random.Random(7)
    with handout.engine.begin() as connection:
        codes = [row[0] for row in connection.execute(select(Code.id).where(Code.key.like("c%.s%")))]
        sources = list(connection.execute(select(Source.id, Source.text)))
        coder = connection.execute(select(Coder.id)).scalar_one()
        rows, seen = [], set()
        while len(rows) < count:
            source_id, text = rnd.choice(sources)
            start = rnd.randrange(0, len(text) - 200)
            row = (rnd.choice(codes), source_id, start, start + rnd.randrange(20, 200))
            if row in seen:
                continue
            seen.add(row)
            memo = f"memo {len(rows)}" if len(rows) % 10 == 0 else None
            rows.append({"code_id": row[0], "source_id": row[1], "coder_id": coder, "start": row[2], "end": row[3],
                         "memo": memo})
        connection.execute(Coding.__table__.insert(), rows)
    handout.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codings", type=int, default=50_000)
    parser.add_argument("--sources", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        for number in range(options.sources):
            (folder / f"P{number:02d}-interview.txt").write_text(transcript(number), encoding="utf-8")
        (folder / "codebook.yaml").write_text(codebook(30), encoding="utf-8")
        db, handout = folder / "project.db", folder / "handout-ana.db"
        os.environ.pop("WORKBENCH_CODER", None)
        run("--db", str(db), "import", *map(str, sorted(folder.glob("*.txt"))))
        run("--db", str(db), "codebook", "load", str(folder / "codebook.yaml"))
        run("--db", str(db), "--coder", "lead", "handout", str(handout), "--coder", "ana")
        fill_handout(handout, options.codings)
        pristine = folder / "pristine.db"
        shutil.copy(db, pristine)
        print(f"merging a handout with {options.codings:,} codings over {options.sources} sources (fresh processes):")
        figures = {
            "merge --dry-run": run("--db", str(db), "--coder", "lead", "merge", str(handout), "--dry-run"),
            "merge": run("--db", str(db), "--coder", "lead", "merge", str(handout)),
            "merge again (nothing to add)": run("--db", str(db), "--coder", "lead", "merge", str(handout)),
        }
        from workbench.services.handout.merge import merge_file
        from workbench.store.engine import Project

        core = folder / "core.db"
        shutil.copy(pristine, core)
        project = Project.open(str(core))
        project.actor = "lead"
        started, cpu = time.perf_counter(), time.process_time()
        report = merge_file(project, handout)
        figures["merge_file() in this process"] = (time.perf_counter() - started, time.process_time() - cpu)
        assert report.codings_added == options.codings, report.lines()
        print(f"  {'':<34} {'wall':>7} {'CPU':>7}   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        for what, (seconds, used) in figures.items():
            print(f"  {what:<34} {seconds:6.2f}s {used:6.2f}s")
        print(f"target < 5 s for the merge: {'met' if figures['merge'][0] < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
