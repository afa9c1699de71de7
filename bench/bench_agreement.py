"""Time the three agreement levels on a corpus of 4 million words, 60 codes, 2 coders.

Run as ``.venv/bin/python bench/bench_agreement.py`` (``--help`` for the sizes).
The data is random but seeded: sources of ``--words`` words at 6 characters a
word, sentences of about 20 words as units, and per code and source a Poisson
number of codings 50-600 characters long by the first coder; the second coder
keeps most of them with shifted boundaries, drops some and adds some of its own.
Target: character level under 3 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.agreement import cohen_kappa, gwet_ac1, krippendorff_alpha  # noqa: E402
from workbench.agreement.comparison import (  # noqa: E402
    compare_characters,
    match_segments,
    segment_values_by_code,
)

CHARS_PER_WORD = 6


def make_corpus(args: argparse.Namespace):
    rng = np.random.default_rng(args.seed)
    words_per_source = args.words // args.sources
    length = words_per_source * CHARS_PER_WORD
    text_lengths, units, first, second = {}, {}, {}, {}
    for s in range(args.sources):
        source = f"source-{s:04d}"
        text_lengths[source] = length
        ends = np.cumsum(rng.integers(60, 181, size=length // 60 + 1))
        ends = np.append(ends[ends < length], length)
        units[source] = list(zip(np.concatenate(([0], ends[:-1])).tolist(), ends.tolist()))
        first[source], second[source] = {}, {}
        for c in range(args.codes):
            code = f"code-{c:02d}"
            n = rng.poisson(args.codings)
            starts = rng.integers(0, length - 600, size=n)
            stops = starts + rng.integers(50, 601, size=n)
            a = list(zip(starts.tolist(), stops.tolist()))
            keep = rng.random(n) < 0.75
            jitter = rng.integers(-15, 16, size=(n, 2))
            b = [
                (max(0, x + dx), min(length, y + dy))
                for (x, y), (dx, dy), k in zip(a, jitter.tolist(), keep)
                if k and y + dy > x + dx
            ]
            extra = rng.poisson(args.codings / 4)
            more = rng.integers(0, length - 600, size=extra)
            b += list(zip(more.tolist(), (more + rng.integers(50, 601, size=extra)).tolist()))
            first[source][code], second[source][code] = a, b
    return text_lengths, units, first, second


def timed(label: str, work):
    began = time.perf_counter()
    result = work()
    print(f"{label:<46} {time.perf_counter() - began:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=4_000_000)
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--codes", type=int, default=60)
    parser.add_argument("--codings", type=float, default=2.5, help="mean codings per code per source (first coder)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    text_lengths, units, first, second = timed("generate data (not part of the target)", lambda: make_corpus(args))
    codings = [sum(len(s) for per_code in coder.values() for s in per_code.values()) for coder in (first, second)]
    print(
        f"{args.words:,} words, {sum(text_lengths.values()):,} characters, {args.sources} sources, "
        f"{args.codes} codes, {sum(len(u) for u in units.values()):,} sentence units, "
        f"codings {codings[0]:,} + {codings[1]:,}"
    )

    characters = timed(
        "character level (NVivo): all codes x sources", lambda: compare_characters(first, second, text_lengths)
    )
    values = timed("segment level: 1/0 per unit, all codes", lambda: segment_values_by_code(units, [first, second]))

    def metrics():
        return {
            code: (
                cohen_kappa(v.rows, categories=(0, 1)),
                krippendorff_alpha(v.rows),
                gwet_ac1(v.rows, categories=(0, 1)),
            )
            for code, v in values.items()
        }

    segment_metrics = timed("segment level: kappa, alpha, AC1 for every code", metrics)
    matching = timed("segment matching (MAXQDA, 90%)", lambda: match_segments(first, second))

    code = next(iter(characters))
    summary = characters[code]
    print(
        f"\n{code}: character kappa mean {summary.mean_kappa:.3f}, weighted {summary.weighted_kappa:.3f}, "
        f"pooled {summary.pooled_kappa:.3f}; segment kappa/alpha/AC1 "
        + ", ".join(f"{x:.3f}" for x in segment_metrics[code])
    )
    print(
        f"matching: {matching.agreements:,} of {matching.total:,} rows agree "
        f"({matching.percent_observed:.1f}%), kappa_n {matching.kappa_n:.3f}"
    )


if __name__ == "__main__":
    main()
