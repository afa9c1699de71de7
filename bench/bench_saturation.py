"""Time code saturation: 1,000 random orders on 100 sources × 300 codes (target < 2 s).

Run as ``.venv/bin/python bench/bench_saturation.py`` (``--help`` for the sizes).
Timed: the pure computation (:func:`workbench.domain.saturation.resample` plus
the assessment of the import order) and what the user waits for — a fresh
``workbench saturation --json`` process on a generated SQLite project (built
straight into the store, one coder, each source coded with a random share of
the codes, common codes more often), database to output, and the same with
``--plot OUT.png``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.domain.saturation import Design, assess, new_codes, resample  # noqa: E402
from workbench.store.engine import Project  # noqa: E402
from workbench.store.models import Code, Coder, Coding, Source  # noqa: E402

TARGET_SECONDS = 2.0


def study(sources: int, codes: int, seed: int = 1) -> list[set[str]]:
    rng = random.Random(seed)
    return [{f"c{j:03d}" for j in range(codes) if rng.random() < 0.4 / (1 + j / 25)} for _ in range(sources)]


def build(path: Path, order: list[set[str]], codes: int) -> None:
    project = Project.open(str(path))
    with project.session() as session:
        coder = Coder(name="ana")
        rows = [Code(key=f"c{j:03d}", name=f"Code {j}", position=j) for j in range(codes)]
        session.add_all([coder, *rows])
        session.flush()
        ids = {c.key: c.id for c in rows}
        for i, keys in enumerate(order):
            text = f"Source {i}: some words about the work.\n" * 20
            source = Source(name=f"S{i:03d}", kind="interview", text=text, content_hash=hashlib.sha256(text.encode() + bytes([i])).hexdigest(),
                            original_filename=f"S{i:03d}.txt", original_format="txt")
            session.add(source)
            session.flush()
            session.add_all([Coding(code_id=ids[k], source_id=source.id, coder_id=coder.id, start=0, end=10) for k in keys])
    project.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    order = study(args.sources, args.codes)
    design = Design()
    started = time.perf_counter()
    result = assess(new_codes(order), design)
    band = resample(order, design, args.resamples, 0)
    core = time.perf_counter() - started
    print(f"{args.sources} sources × {args.codes} codes ({len(set().union(*order))} used), {args.resamples:,} random orders")
    print(f"core (assess + resample): {core:.2f} s (target < {TARGET_SECONDS:.0f} s: {'met' if core < TARGET_SECONDS else 'NOT met'}); "
          f"n = {result.at}, band median {band.median} ({band.low}–{band.high})")
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        build(db, order, args.codes)
        for label, extra in (("--json", ["--json"]), ("--plot OUT.png", ["--plot", str(Path(folder) / "s.png")])):
            command = [sys.executable, "-m", "workbench", "--db", str(db), "saturation", "--coder", "ana",
                       "--resamples", str(args.resamples), *extra]
            started = time.perf_counter()
            subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)
            print(f"fresh process, workbench saturation {label}: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
