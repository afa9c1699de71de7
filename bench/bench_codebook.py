"""Time loading a large codebook as the user waits: ``workbench codebook load BIG.yaml`` in a fresh process.

Run as ``.venv/bin/python bench/bench_codebook.py [--codes 100000]``. The codebook is generated (seeded):
``--codes`` codes in a tree of 100 top-level dimensions, each with sub-codes and sub-sub-codes, every
code with a definition and two keywords. Printed beside the command: parsing alone, and loading into a
new project in this process. Target: 100,000 codes under 5 s.
"""

from __future__ import annotations

import argparse
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "big.yaml"
        write_codebook(book, args.codes)
        print(f"{args.codes:,} codes, {book.stat().st_size / 1e6:.1f} MB of YAML")
        from workbench.domain.codebook import parse_codebook

        began = time.perf_counter()
        spec = parse_codebook(book.read_text(encoding="utf-8"), str(book))
        print(f"{'core: parse_codebook (validation included)':<52} {time.perf_counter() - began:6.2f} s ({len(spec.codes):,} codes)")
        from workbench.services.codebook.codes import load_codebook
        from workbench.store.engine import Project

        project = Project.open(str(Path(folder) / "core.db"))
        began = time.perf_counter()
        load_codebook(project, book)
        print(f"{'core: load_codebook into a new project':<52} {time.perf_counter() - began:6.2f} s")
        project.close()
        db = Path(folder) / "cli.db"
        subprocess.run([sys.executable, "-m", "workbench", "--db", str(db), "init"], check=True, stdout=subprocess.DEVNULL)
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "workbench", "--db", str(db), "codebook", "load", str(book)], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        took = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{'workbench codebook load (fresh process)':<52} {took:6.2f} s, peak {peak:,.0f} MB")
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "workbench", "--db", str(db), "codebook", "load", str(book)], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        print(f"{'... loading the same codebook again (all unchanged)':<52} {time.perf_counter() - began:6.2f} s")


if __name__ == "__main__":
    main()
