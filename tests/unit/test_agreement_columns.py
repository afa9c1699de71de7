"""The vectorised agreement engines against plain per-character and per-pair versions.

The service computes every code and source at once (``character_tables``, ``match_rows``,
``BlockResamples``, ``table_kappas``); these check each against the obvious slow computation, exactly
(the numbers must be the ones the per-cell functions give, not approximately), and that the bootstrap
still draws the same numbers as ``default_rng(seed).integers(0, blocks, size=(resamples, blocks))``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agreement.bootstrap import BlockResamples, _draws, forget_draws, table_bootstrap
from workbench.agreement.characters import BlockLayout, character_tables
from workbench.agreement.codings import CodingColumns
from workbench.agreement.counts import kappa_from_counts, nones, percent_from_counts, table_kappas, table_values
from workbench.agreement.matching import match_rows, merge_overlapping

# --- the draws ------------------------------------------------------------------------------------


def reference_draws(count: int, resamples: int, seed: int | None) -> np.ndarray:
    """How each block was drawn in each resample, straight from the documented stream."""
    picks = np.random.default_rng(seed).integers(0, count, size=(resamples, count))
    return np.stack([np.bincount(row, minlength=count) for row in picks], axis=1)


@pytest.mark.parametrize(("count", "resamples", "seed"), [(1, 3, 0), (2, 200, 0), (7, 33, 5), (1000, 40, 123), (70_000, 17, 0)])
def test_draws_are_the_documented_stream(count: int, resamples: int, seed: int) -> None:
    forget_draws()
    drawn = _draws(count, resamples, seed)
    assert drawn.shape == (count, resamples) and not drawn.flags.writeable
    assert (drawn == reference_draws(count, resamples, seed)).all()
    assert (drawn.sum(axis=0) == count).all()  # every resample draws as many blocks as there are


def test_resampled_sums_are_the_draws_times_the_blocks() -> None:
    rng = np.random.default_rng(1)
    sizes = rng.integers(0, 50, 300)
    draws = BlockResamples.of(sizes, 60, 4, 0.9)
    assert draws is not None and BlockResamples.of(sizes, 0, 4, 0.9) is None
    rows = np.sort(rng.choice(300, 40, replace=False))
    values = rng.integers(0, 20, (40, 3))
    expected = reference_draws(300, 60, 4)[rows].T @ values
    assert (draws.sums(rows, values) == expected).all()
    assert (draws.drawn_sizes == reference_draws(300, 60, 4).T @ sizes).all()
    tables = draws.tables(draws.sums(rows, values), scale=2)
    assert (tables[:, 3] == 2 * draws.drawn_sizes - expected.sum(axis=1)).all()


def test_table_bootstrap_on_blocks_is_the_sum_of_drawn_tables() -> None:
    rng = np.random.default_rng(2)
    blocks = rng.integers(0, 6, (80, 4))
    blocks[rng.random(80) < 0.5, :3] = 0  # most blocks coded by nobody
    drawn = reference_draws(80, 100, 9)
    values = table_values(drawn.T @ blocks)
    expected = {}
    for name, estimates in values.items():
        defined = estimates[~np.isnan(estimates)]
        low, high = np.quantile(defined, [(1 - 0.95) / 2, 1 - (1 - 0.95) / 2])  # as the code computes the tails
        expected[name] = (float(low), float(high))
    assert table_bootstrap(blocks, 100, 9, 0.95) == expected


# --- exact kappas of many tables ------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 3000)] * 4), min_size=1, max_size=20))
def test_table_kappas_are_the_per_table_values_exactly(tables: list[tuple[int, int, int, int]]) -> None:
    kappas, percents = table_kappas(np.array(tables))
    assert nones(kappas) == [kappa_from_counts(*t) for t in tables]
    assert nones(percents) == [percent_from_counts(*t) for t in tables]


def test_table_kappas_of_large_tables_go_one_by_one() -> None:
    tables = [(2**30, 3, 5, 2**31), (10**9, 0, 0, 0), (0, 0, 0, 0), (7, 1, 2, 90)]
    kappas, percents = table_kappas(np.array(tables))
    assert nones(kappas) == [kappa_from_counts(*t) for t in tables]
    assert nones(percents) == [percent_from_counts(*t) for t in tables]
    with pytest.raises(ValueError):
        table_kappas(np.array([(1, -1, 0, 0)]))


# --- character tables of every code and source at once --------------------------------------------


def mask(spans: list[tuple[int, int]], length: int) -> np.ndarray:
    covered = np.zeros(length, dtype=bool)
    for start, end in spans:
        covered[start:end] = True
    return covered


def table_of(first: np.ndarray, second: np.ndarray) -> list[int]:
    return [int((first & second).sum()), int((first & ~second).sum()), int((~first & second).sum()),
            int((~first & ~second).sum())]  # fmt: skip


Corpus = tuple[list[int], int, list[tuple[int, int, int, int, int]], list[tuple[int, int]]]


@st.composite
def corpus(draw: st.DrawFn) -> Corpus:
    lengths = [draw(st.integers(0, 30)) for _ in range(draw(st.integers(1, 4)))]
    codes = draw(st.integers(1, 3))
    codings: list[tuple[int, int, int, int, int]] = []
    for coder in (0, 1):
        for s, length in enumerate(lengths):
            for code in range(codes):
                for _ in range(draw(st.integers(0, 3))):
                    a, b = draw(st.integers(0, length)), draw(st.integers(0, length))
                    codings.append((coder, s, code, min(a, b), max(a, b)))
    starts = [(s, draw(st.integers(-2, length + 2))) for s, length in enumerate(lengths) for _ in range(draw(st.integers(0, 4)))]
    return lengths, codes, codings, starts


def columns_of(codings: list[tuple[int, int, int, int, int]], sources: int, codes: int) -> CodingColumns:
    array = np.array(codings, dtype=np.int64).reshape(-1, 5).T
    return CodingColumns(array[0], array[1], array[2], array[3], array[4], tuple(range(sources)), tuple(range(codes)))


@settings(max_examples=200, deadline=None)
@given(corpus())
def test_character_tables_match_per_character_masks(case: Corpus) -> None:
    lengths, codes, codings, starts = case
    columns = columns_of(codings, len(lengths), codes)
    source, start = (np.array([x[i] for x in starts], dtype=np.int64) for i in (0, 1))
    layout = BlockLayout.of_starts(np.array(lengths), source, start)
    # the same blocks as the mapping form: 0 and every distinct start inside the source
    inside = {s: sorted({0, *(x for t, x in starts if t == s and 0 < x < n)}) for s, n in enumerate(lengths)}
    assert (layout.edges == BlockLayout.of(dict(enumerate(lengths)), inside).edges).all()
    tables = character_tables(columns, layout)
    for code in range(codes):
        covered = [mask([(a, b) for k, s_, c, a, b in codings if k == coder and c == code and s_ == s], n)
                   for coder in (0, 1) for s, n in enumerate(lengths)]  # fmt: skip
        for s, n in enumerate(lengths):
            assert tables.sources[code, s].tolist() == table_of(covered[s], covered[len(lengths) + s])
        dense = tables.dense(code)
        for b in range(len(layout.sizes)):
            s = int(np.searchsorted(layout.first_block, b, side="right") - 1)
            lo, hi = (int(x) - int(layout.offsets[s]) for x in layout.edges[b : b + 2])
            expected = table_of(covered[s][lo:hi], covered[len(lengths) + s][lo:hi])
            assert dense[b].tolist() == expected
        rows = tables.rows(code)  # kept: exactly the blocks anyone coded
        assert tables.block[rows].tolist() == [b for b in range(len(dense)) if dense[b, :3].any()]


# --- segment matching of every code and source at once --------------------------------------------


def best_overlaps(own: Sequence[tuple[int, int]], other: Sequence[tuple[int, int]]) -> list[float]:
    best = []
    for s in own:
        shares = [len(set(range(*s)) & set(range(*t))) / len(set(range(*s)) | set(range(*t))) for t in other]
        best.append(max([x for x in shares if x > 0], default=0.0))
    return best


@settings(max_examples=200, deadline=None)
@given(corpus(), st.sampled_from([0.5, 0.9, 1.0]))
def test_match_rows_match_all_pairs_per_code_and_source(case: Corpus, overlap: float) -> None:
    lengths, codes, codings, _ = case
    rows = match_rows(columns_of(codings, len(lengths), codes), overlap)
    expected = []
    for code in range(codes):
        for s in range(len(lengths)):
            merged = [merge_overlapping([(a, b) for k, s_, c, a, b in codings if (k, s_, c) == (coder, s, code)])
                      for coder in (0, 1)]  # fmt: skip
            for coder in (0, 1):
                for span, best in zip(merged[coder], best_overlaps(merged[coder], merged[1 - coder]), strict=True):
                    expected.append((code, s, coder, span.start, span.end, best))
    got = list(zip(*(a.tolist() for a in (rows.code, rows.source, rows.coder, rows.start, rows.end, rows.best_overlap)),
                   strict=True))  # fmt: skip
    assert [g[:5] for g in got] == [e[:5] for e in expected]
    assert [g[5] for g in got] == [e[5] for e in expected]  # the same division: exactly equal
    counts = rows.counts()
    assert counts.agreements == sum(1 for e in expected if e[5] >= overlap) and counts.total == len(expected)
