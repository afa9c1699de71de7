"""Span comparisons: hand-computed tiny cases, and sweeps checked against per-character versions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.agreement import cohen_kappa, kappa_from_counts
from workbench.agreement.comparison import (
    CharacterAgreement,
    CharacterCell,
    Table2x2,
    character_table,
    compare_characters,
    match_segments,
    merge_overlapping,
    segment_values,
    segment_values_by_code,
)
from workbench.domain.spans import Span

# --- character level ---------------------------------------------------------------------


def test_character_table_counts_each_character_once() -> None:
    assert character_table([(0, 10)], [(5, 15)], 20) == Table2x2(5, 5, 5, 5)
    # overlapping and touching codings of one code by one coder are one set of characters
    assert character_table([(0, 5), (3, 8), (8, 10)], [(5, 15)], 20) == Table2x2(5, 5, 5, 5)


def test_nvivo_help_example_through_spans() -> None:
    # 1000 characters; A coded 120, B 130, 50 of them both.
    table = character_table([(0, 120)], [(70, 200)], 1000)
    assert table == Table2x2(50, 70, 80, 800)
    assert table.percent == pytest.approx(85.0)
    assert round(table.kappa, 3) == 0.314


def test_degenerate_cells() -> None:
    neither = character_table([], [], 50)
    assert (neither.kappa, neither.percent) == (None, 100.0)
    assert neither.kappa_undefined == "neither coder applied the code"
    one = character_table([(10, 20)], [], 50)
    assert (one.kappa, one.percent) == (0.0, 80.0)
    everything = character_table([(0, 50)], [(0, 25), (25, 50)], 50)
    assert (everything.kappa, everything.percent) == (None, 100.0)
    empty = character_table([], [], 0)
    assert (empty.kappa, empty.percent) == (None, None)


def test_character_table_rejects_spans_outside_the_source() -> None:
    with pytest.raises(ValueError, match="first coder"):
        character_table([(5, 21)], [], 20)
    with pytest.raises(ValueError, match="second coder"):
        character_table([], [(6, 5)], 20)


def test_three_summaries_across_sources() -> None:
    first = {"s1": {"C": [(0, 10)]}, "s2": {"C": [(0, 30)]}}
    second = {"s1": {"C": [(0, 10)]}, "s2": {"C": [(10, 40)]}, "s3": {}}
    lengths = {"s1": 20, "s2": 60, "s3": 20}
    result = compare_characters(first, second, lengths)["C"]
    k1 = 1.0  # s1: identical codings
    k2 = kappa_from_counts(20, 10, 10, 20)  # s2
    assert [cell.table.kappa for cell in result.cells] == [k1, pytest.approx(k2), None]
    assert result.undefined_cells == 1
    assert result.mean_kappa == pytest.approx((k1 + k2) / 2)
    assert result.weighted_kappa == pytest.approx((20 * k1 + 60 * k2) / 80)
    assert result.pooled_kappa == pytest.approx(kappa_from_counts(30, 10, 10, 50))
    assert result.mean_percent == pytest.approx((100 + 200 / 3 + 100) / 3)
    assert result.weighted_percent == pytest.approx(result.pooled_percent)
    assert result.pooled_percent == pytest.approx(80.0)
    as_one = compare_characters(first, second, lengths, undefined_kappa_as=1.0)["C"]
    assert as_one.mean_kappa == pytest.approx((k1 + k2 + 1) / 3)
    assert as_one.weighted_kappa == pytest.approx((20 * k1 + 60 * k2 + 20) / 100)
    assert as_one.pooled_kappa == result.pooled_kappa
    assert as_one.cells[2].table.kappa is None


def test_listed_code_nobody_used_and_unknown_sources() -> None:
    result = compare_characters({}, {}, {"s": 10}, codes=["unused"])["unused"]
    assert result.mean_kappa is None and result.pooled_kappa is None and result.pooled_percent == 100.0
    with pytest.raises(ValueError, match="nowhere"):
        compare_characters({"nowhere": {"C": [(0, 1)]}}, {}, {"s": 10})


def test_summary_of_no_cells() -> None:
    empty = CharacterAgreement.of("C", [CharacterCell("s", Table2x2(0, 0, 0, 0))])
    assert (empty.mean_kappa, empty.weighted_kappa, empty.pooled_kappa, empty.mean_percent) == (None,) * 4


# --- segment level ---------------------------------------------------------------------


UNITS = [(0, 10), (10, 20), (20, 30), (30, 30)]


def test_segment_values_any_overlap_and_min_share() -> None:
    assert segment_values(UNITS, [[(8, 12)], [(0, 6), (25, 40)]]).tolist() == [[1, 1, 0, 0], [1, 0, 1, 0]]
    assert segment_values(UNITS, [[(8, 12)], [(0, 6), (24, 40)]], min_share=0.6).tolist() == [
        [0, 0, 0, 0],
        [1, 0, 1, 0],
    ]
    # coverage adds up over several codings; the threshold is inclusive
    assert segment_values(UNITS, [[(10, 13), (15, 17)], []], min_share=0.5).tolist()[0] == [0, 1, 0, 0]
    with pytest.raises(ValueError):
        segment_values(UNITS, [[]], min_share=0)


def test_segment_values_by_code_lays_sources_end_to_end() -> None:
    units = {"s1": [(0, 5), (5, 10)], "s2": [(0, 4), (4, 8), (8, 12)]}
    first = {"s1": {"A": [(0, 10)]}, "s2": {"A": [(5, 6)], "B": [(0, 2)]}}
    second = {"s2": {"A": [(7, 9)]}}
    result = segment_values_by_code(units, [first, second])
    assert list(result) == ["A", "B"]
    assert result["A"].rows.tolist() == [[1, 1, 0, 1, 0], [0, 0, 0, 1, 1]]
    assert result["B"].rows.tolist() == [[0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]
    assert result["A"].sources == (("s1", 2), ("s2", 3))
    assert not result["A"].rows.flags.writeable
    assert cohen_kappa(result["A"].rows, categories=(0, 1)) == pytest.approx(
        cohen_kappa([[1, 1, 0, 1, 0], [0, 0, 0, 1, 1]])
    )
    with pytest.raises(ValueError, match="two or more"):
        segment_values_by_code(units, [first])


# --- segment matching --------------------------------------------------------------------


def test_merge_overlapping_keeps_touching_segments_apart() -> None:
    assert merge_overlapping([(5, 9), (0, 5), (3, 4), (9, 9)]) == [Span(0, 5), Span(5, 9)]
    assert merge_overlapping([(0, 6), (5, 9)]) == [Span(0, 9)]


def test_matching_by_share_of_combined_extent() -> None:
    first = {"s": {"A": [(0, 100), (200, 300)], "B": [(400, 410)]}}
    second = {"s": {"A": [(5, 100), (200, 250)], "B": [(401, 411)]}}
    result = match_segments(first, second)
    a, b = result.codes
    assert [(row.coder, row.span) for row in a.matched] == [(0, Span(0, 100)), (1, Span(5, 100))]
    assert a.matched[0].best_overlap == pytest.approx(0.95)
    assert [row.span for row in a.unmatched] == [Span(200, 300), Span(200, 250)]
    assert (a.agreements, a.total, a.percent) == (2, 4, 50.0)
    assert (b.agreements, b.total) == (0, 2)  # 9 / 11 < 0.9 at the default
    assert match_segments(first, second, overlap=0.8).codes[1].agreements == 2
    assert match_segments(first, second, overlap=0.85).codes[1].agreements == 0


def test_matching_totals_and_maxqda_kappa() -> None:
    first = {"s": {"A": [(0, 100), (200, 300)], "B": [(400, 410)]}}
    second = {"s": {"A": [(5, 100), (200, 250)], "B": [(401, 411)]}}
    result = match_segments(first, second, overlap=0.85)
    assert (result.agreements, result.total, result.codes_in_table) == (2, 6, 2)
    assert result.percent_observed == pytest.approx(100 / 3)
    assert result.kappa_n == pytest.approx((1 / 3 - 1 / 2) / (1 - 1 / 2))


def test_threshold_is_inclusive() -> None:
    result = match_segments({"s": {"A": [(0, 10)]}}, {"s": {"A": [(0, 9)]}})
    assert result.agreements == 2  # 9 / 10 = 0.9


def test_touching_pieces_against_one_span_disagree_at_segment_level_only() -> None:
    # The note's TIREDNESS case: coder A codes two touching pieces, coder B one span over both.
    first = {"s": {"TIREDNESS": [(10, 30), (30, 50)]}}
    second = {"s": {"TIREDNESS": [(10, 50)]}}
    matching = match_segments(first, second)
    assert (matching.agreements, matching.total) == (0, 3)
    characters = compare_characters(first, second, {"s": 100})["TIREDNESS"]
    assert characters.pooled_kappa == 1.0


def test_matching_undefined_kappa() -> None:
    one_code = match_segments({"s": {"A": [(0, 10)]}}, {"s": {"A": [(0, 10)]}})
    assert one_code.kappa_n is None and "1 code" in one_code.kappa_n_undefined
    nothing = match_segments({}, {}, codes=["A", "B"])
    assert (nothing.total, nothing.percent_observed, nothing.kappa_n) == (0, None, None)
    assert nothing.codes[0].percent is None
    with pytest.raises(ValueError):
        match_segments({}, {}, overlap=0)


# --- sweeps against per-character versions ------------------------------------------------

LENGTH = 60
span = st.tuples(st.integers(0, LENGTH), st.integers(0, LENGTH)).map(lambda t: (min(t), max(t)))
spans = st.lists(span, max_size=6)


def mask(spans: list[tuple[int, int]], length: int = LENGTH) -> np.ndarray:
    covered = np.zeros(length, dtype=bool)
    for start, end in spans:
        covered[start:end] = True
    return covered


@given(spans, spans)
def test_character_table_matches_per_character_masks(first, second) -> None:
    a, b = mask(first), mask(second)
    expected = Table2x2(int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum()), int((~a & ~b).sum()))
    table = character_table(first, second, LENGTH)
    assert table == expected
    rows = [a.astype(int).tolist(), b.astype(int).tolist()]
    reference = cohen_kappa(rows, categories=(0, 1))
    assert (table.kappa is None and reference is None) or table.kappa == pytest.approx(reference)


@st.composite
def units(draw: st.DrawFn) -> list[tuple[int, int]]:
    cuts = sorted(draw(st.lists(st.integers(0, LENGTH), max_size=10)))
    bounds = [0, *cuts, LENGTH]
    return list(zip(bounds, bounds[1:]))


@given(units(), st.lists(spans, min_size=1, max_size=3), st.sampled_from([None, 0.25, 0.5, 0.9, 1.0]))
def test_segment_values_match_per_character_coverage(unit_spans, coders, min_share) -> None:
    expected = []
    for coder in coders:
        covered = mask(coder)
        row = []
        for start, end in unit_spans:
            inside = int(covered[start:end].sum())
            row.append(int(inside > 0 and (min_share is None or inside / (end - start) >= min_share)))
        expected.append(row)
    assert segment_values(unit_spans, coders, min_share=min_share).tolist() == expected


def naive_best_overlaps(own, other) -> list[float]:
    best = []
    for s in own:
        shares = [
            len(set(range(*s)) & set(range(*t))) / len(set(range(*s)) | set(range(*t))) for t in other
        ]
        best.append(max([x for x in shares if x > 0], default=0.0))
    return best


@given(spans, spans, st.sampled_from([0.5, 0.9, 1.0]))
def test_matching_matches_all_pairs_comparison(first, second, threshold) -> None:
    a, b = merge_overlapping(first), merge_overlapping(second)
    result = match_segments({"s": {"C": first}}, {"s": {"C": second}}, overlap=threshold)
    (code,) = result.codes
    rows = sorted(code.matched + code.unmatched, key=lambda row: (row.coder, row.span))
    expected = [(0, s, x) for s, x in zip(a, naive_best_overlaps(a, b))]
    expected += [(1, t, x) for t, x in zip(b, naive_best_overlaps(b, a))]
    assert [(r.coder, r.span) for r in rows] == [(c, s) for c, s, _ in expected]
    assert [r.best_overlap for r in rows] == pytest.approx([x for *_, x in expected])
    assert {(r.coder, r.span) for r in code.matched} == {(c, s) for c, s, x in expected if x >= threshold}


@given(spans)
def test_merge_overlapping_matches_characters_and_keeps_boundaries(raw) -> None:
    merged = merge_overlapping(raw)
    assert (mask(merged) == mask(raw)).all()
    assert all(left.end <= right.start for left, right in zip(merged, merged[1:]))
    for left, right in zip(merged, merged[1:]):
        if left.end == right.start:  # a touch survives only where no single coding crossed it
            assert not any(start < left.end < end for start, end in raw)


# --- the vectorised blocks agree with the per-cell table --------------------------------------------


def _spans(length: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    return st.lists(st.tuples(st.integers(0, length), st.integers(0, length)).map(lambda p: (min(p), max(p))), max_size=6)


@st.composite
def _corpus(draw):  # type: ignore[no-untyped-def]
    lengths = {f"s{i}": draw(st.integers(0, 40)) for i in range(draw(st.integers(1, 4)))}
    first = {s: {"c": draw(_spans(n))} for s, n in lengths.items()}
    second = {s: {"c": draw(_spans(n))} for s, n in lengths.items()}
    blocks = {s: sorted({0, *(draw(st.lists(st.integers(1, n - 1), max_size=4)) if n > 1 else [])})
              for s, n in lengths.items()}
    return lengths, first, second, blocks


@settings(max_examples=200, deadline=None)
@given(_corpus())
def test_blocks_sum_to_each_sources_character_table(corpus) -> None:  # type: ignore[no-untyped-def]
    lengths, first, second, block_starts = corpus
    result = compare_characters(first, second, lengths, block_starts=block_starts)["c"]
    for cell in result.cells:
        assert cell.table == character_table(first[cell.source]["c"], second[cell.source]["c"], lengths[cell.source])
    assert result.blocks is not None and (result.blocks >= 0).all()
    assert len(result.blocks) == sum(len(b) for b in block_starts.values())
    assert int(result.blocks.sum()) == sum(lengths.values())
