"""Time loading a large codebook as the user waits: ``workbench codebook load BIG.yaml`` in a fresh process.

Run as ``.venv/bin/python bench/bench_codebook.py [--codes 100000] [--repeat 3]``. The codebook is generated
(seeded): ``--codes`` codes in a tree of 100 top-level dimensions, each with sub-codes and sub-sub-codes, every
code with a definition and two keywords. Timed: the whole command in a fresh process (interpreter start,
imports, opening the project, reading, validating, storing, committing), into a new project and again into
the same one (every code unchanged), each ``--repeat`` times (median, and the peak memory of that process);
beside it the core in this process: parsing alone and the service call the command makes. Target: 100,000
codes under 5 s for the whole command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def write_codebook(path: Path, codes: int) -> None:
    lines = ["codebook: Benchmark codebook", "codes:"]
    made = 0
    top = 0
    while made < codes:
        lines += [f"  - id: d{top}", f"    name: Dimension {top}", f"    definition: Dimension {top} of the frame.",
                  "    children:"]
        made += 1
        for child in range(min(99, codes - made)):
            if made >= codes:
                break
            lines += [f"      - id: d{top}.c{child}", f"        name: Code {top}-{child}",
                      f"        definition: What code {top}-{child} captures, in a sentence or two.",
                      f"        keywords: [word{child}, term{top}]"]
            made += 1
            if child % 10 == 0 and made < codes:
                lines += ["        children:", f"          - id: d{top}.c{child}.s", f"            name: Sub {top}-{child}",
                          "            definition: A narrower sense."]
                made += 1
        top += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_command(args: list[str]) -> tuple[float, float, float]:
    """Seconds from start to exit of a fresh ``python -m workbench ARGS``, its CPU seconds (user and system:
    what it would wait on a machine of its own) and its peak memory in MB."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"workbench {' '.join(args)} exited {child.returncode}")
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def report(label: str, runs: list[tuple[float, float, float]]) -> None:
    times = ", ".join(f"{t:.2f}" for t, _, _ in runs)
    print(f"{label:<60} {statistics.median(t for t, _, _ in runs):6.2f} s (runs: {times}), "
          f"CPU {statistics.median(c for _, c, _ in runs):.2f} s, peak {max(m for _, _, m in runs):,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--codes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the median is reported)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "big.yaml"
        write_codebook(book, args.codes)
        print(f"{args.codes:,} codes, {book.stat().st_size / 1e6:.1f} MB of YAML")
        fresh, again = [], []
        for run in range(args.repeat):
            db = str(Path(folder) / f"cli{run}.db")
            subprocess.run([sys.executable, "-m", "workbench", "--db", db, "init"], check=True, stdout=subprocess.DEVNULL)
            fresh.append(run_command(["--db", db, "codebook", "load", str(book)]))
            again.append(run_command(["--db", db, "codebook", "load", str(book)]))
        report("workbench codebook load (fresh process, new project)", fresh)
        report("... the same codebook again (all unchanged)", again)

        from workbench.collector import paused_gc
        from workbench.domain.codebook_yaml import parse_codebook
        from workbench.services.codebook.files import load_codebook
        from workbench.store.engine import Project

        text = book.read_text(encoding="utf-8")
        with paused_gc():  # as load_codebook parses
            began = time.perf_counter()
            spec = parse_codebook(text, str(book))
            took = time.perf_counter() - began
        print(f"{'core: parse_codebook (YAML, validation)':<60} {took:6.2f} s ({len(spec.codes):,} codes)")
        del spec, text
        project = Project.open(str(Path(folder) / "core.db"))
        began = time.perf_counter()
        load_codebook(project, book)
        print(f"{'core: load_codebook into a new project':<60} {time.perf_counter() - began:6.2f} s")
        project.close()


if __name__ == "__main__":
    main()
