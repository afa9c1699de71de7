"""Segment matching, as MAXQDA's "code overlap at segments of at least X %".

:func:`match_segments`: every coding of each of the two coders is a row. A
row agrees when the other coder has the same code on a segment whose
overlap with it, |s ∩ t| / |s ∪ t|, is at least ``overlap`` (default 0.9),
so a matched pair gives two agreeing rows. Overlapping codings of one code
by one coder are first merged (MAXQDA merges them when coding); touching
ones stay separate. Per code: matched and unmatched rows and percent
matched; in total P_observed = agreeing rows / all rows and MAXQDA's
Brennan-Prediger kappa_n with P_chance = 1/k, k = codes with at least one
row. These MAXQDA details (overlap measure, counting, merging) are from
memory of its manual, not yet checked against MAXQDA itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from workbench.agreement.codings import CoderCodings, CodingColumns, SpanLike, codes_used, merged_spans
from workbench.agreement.counts import brennan_prediger_from_counts
from workbench.agreement.undefined import explain_undefined
from workbench.domain.spans import Span


def merge_overlapping(spans: Iterable[SpanLike]) -> list[Span]:
    """Sorted union of spans that share a code point; touching spans stay separate.

    Unlike :func:`workbench.domain.spans.merge`, ``(0, 5)`` and ``(5, 9)`` remain
    two spans: as codings they are two segments. Empty spans are dropped.
    """
    array = np.array(list(spans), dtype=np.int64).reshape(-1, 2)
    starts, ends = merged_spans(array[:, 0], array[:, 1], join_touching=False)
    return [Span(start, end) for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]


class CodingRow(NamedTuple):
    """One coding in the matching table."""

    coder: int  # 0 = first coder, 1 = second
    source: Hashable
    span: Span
    best_overlap: float  # largest |s ∩ t| / |s ∪ t| with the other coder's same-code codings


@dataclass(frozen=True, slots=True)
class MatchingCounts:
    """Agreeing and all rows per code, and MAXQDA's totals over them."""

    overlap: float
    codes: tuple[Hashable, ...]
    agreements_per_code: tuple[int, ...]
    totals_per_code: tuple[int, ...]

    @property
    def agreements(self) -> int:
        return sum(self.agreements_per_code)

    @property
    def total(self) -> int:
        return sum(self.totals_per_code)

    @property
    def percent_observed(self) -> float | None:
        """Agreeing rows / all rows, in percent (MAXQDA's P observed x 100)."""
        return percent_of(self.agreements, self.total)

    def percent(self, code: int) -> float | None:
        """Percent of the rows of code index ``code`` that agree."""
        return percent_of(self.agreements_per_code[code], self.totals_per_code[code])

    @property
    def codes_in_table(self) -> int:
        """k: codes with at least one coding; P_chance = 1/k."""
        return sum(1 for total in self.totals_per_code if total)

    @property
    def kappa_n(self) -> float | None:
        """Brennan-Prediger kappa_n = (Po - 1/k) / (1 - 1/k), as MAXQDA reports it."""
        return brennan_prediger_from_counts(self.agreements, self.total, self.codes_in_table)

    @property
    def kappa_n_undefined(self) -> str | None:
        counts = (self.agreements, self.total, self.codes_in_table)
        return explain_undefined(brennan_prediger_from_counts, *counts)


@dataclass(frozen=True, slots=True)
class CodeMatching:
    """Matched and unmatched codings of one code, both coders' rows together."""

    code: Hashable
    matched: tuple[CodingRow, ...]
    unmatched: tuple[CodingRow, ...]

    @property
    def agreements(self) -> int:
        return len(self.matched)

    @property
    def total(self) -> int:
        return len(self.matched) + len(self.unmatched)

    @property
    def percent(self) -> float | None:
        return percent_of(self.agreements, self.total)


def percent_of(agreeing: int, rows: int) -> float | None:
    """Agreeing rows in percent of all rows; None without rows."""
    return 100.0 * agreeing / rows if rows else None


@dataclass(frozen=True, slots=True)
class SegmentMatching:
    """MAXQDA-style segment agreement over all codes compared (totals: :class:`MatchingCounts`)."""

    overlap: float
    codes: tuple[CodeMatching, ...]

    @property
    def counts(self) -> MatchingCounts:
        return MatchingCounts(self.overlap, tuple(code.code for code in self.codes),
                              tuple(code.agreements for code in self.codes), tuple(code.total for code in self.codes))  # fmt: skip

    @property
    def agreements(self) -> int:
        return self.counts.agreements

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def percent_observed(self) -> float | None:
        """Agreeing rows / all rows, in percent (MAXQDA's P observed x 100)."""
        return self.counts.percent_observed

    @property
    def codes_in_table(self) -> int:
        """k: codes with at least one coding; P_chance = 1/k."""
        return self.counts.codes_in_table

    @property
    def kappa_n(self) -> float | None:
        """Brennan-Prediger kappa_n = (Po - 1/k) / (1 - 1/k), as MAXQDA reports it."""
        return self.counts.kappa_n

    @property
    def kappa_n_undefined(self) -> str | None:
        return self.counts.kappa_n_undefined


def match_segments(
    first: CoderCodings,
    second: CoderCodings,
    *,
    overlap: float = 0.9,
    codes: Iterable[Hashable] | None = None,
) -> SegmentMatching:
    """Match each coder's codings against the other's, code by code (see module docstring)."""
    codes = codes_used((first, second)) if codes is None else list(codes)
    sources = list(dict.fromkeys([*first, *second]))
    rows = match_rows(CodingColumns.of((first, second), sources, codes), overlap)
    results = []
    for c, code in enumerate(codes):
        matched: list[CodingRow] = []
        unmatched: list[CodingRow] = []
        for i in range(*rows.of_code(c)):
            row = CodingRow(int(rows.coder[i]), sources[rows.source[i]], Span(int(rows.start[i]), int(rows.end[i])),
                            float(rows.best_overlap[i]))  # fmt: skip
            (matched if row.best_overlap >= overlap else unmatched).append(row)
        results.append(CodeMatching(code, tuple(matched), tuple(unmatched)))
    return SegmentMatching(overlap, tuple(results))


# --- every code at once (numpy) -------------------------------------------------------------------


@dataclass(frozen=True)
class MatchingRows:
    """Every row of the matching table: each merged coding of either coder, with its best overlap.

    Arrays sorted by code, source, coder and start; ``code`` and ``source`` index
    ``codes`` and ``sources``. A row agrees when ``best_overlap >= overlap``.
    """

    overlap: float
    codes: tuple[Hashable, ...]
    sources: tuple[Hashable, ...]
    code: np.ndarray
    source: np.ndarray
    coder: np.ndarray
    start: np.ndarray
    end: np.ndarray
    best_overlap: np.ndarray

    @property
    def agrees(self) -> np.ndarray:
        return self.best_overlap >= self.overlap

    def of_code(self, code: int) -> tuple[int, int]:
        """The rows of code index ``code``: ``range(*rows.of_code(code))``."""
        low, high = np.searchsorted(self.code, [code, code + 1]).tolist()
        return low, high

    def counts(self) -> MatchingCounts:
        codes = len(self.codes)
        agreements = np.bincount(self.code[self.agrees], minlength=codes)
        totals = np.bincount(self.code, minlength=codes)
        return MatchingCounts(self.overlap, self.codes, tuple(agreements.tolist()), tuple(totals.tolist()))


def match_rows(columns: CodingColumns, overlap: float = 0.9) -> MatchingRows:
    """The matching table of two coders (0 and 1) in ``columns``: every code and source at once.

    Each (code, source) gets a stretch of one line of its own, so each coder's codings of all codes
    are merged in one pass, and the other coder's codings a span overlaps are found by binary search
    (both sides are sorted and, once merged, do not overlap).
    """
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap must be in (0, 1], not {overlap}")
    group = columns.code * len(columns.sources) + columns.source
    stride = int(columns.end.max(initial=0)) + 1
    starts, ends = group * stride + columns.start, group * stride + columns.end
    merged = [merged_spans(starts[columns.coder == k], ends[columns.coder == k], join_touching=False) for k in (0, 1)]
    (a_starts, a_ends), (b_starts, b_ends) = merged
    best_a, best_b = np.zeros(len(a_starts)), np.zeros(len(b_starts))
    low = np.searchsorted(b_ends, a_starts, side="right")  # first of the other's spans ending after the start
    high = np.searchsorted(b_starts, a_ends, side="left")  # ... and the first starting at or after the end
    counts = np.maximum(high - low, 0)
    a = np.repeat(np.arange(len(a_starts)), counts)
    b = np.repeat(low - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    shared = np.minimum(a_ends[a], b_ends[b]) - np.maximum(a_starts[a], b_starts[b])
    share = shared / (np.maximum(a_ends[a], b_ends[b]) - np.minimum(a_starts[a], b_starts[b]))
    np.maximum.at(best_a, a, share)
    np.maximum.at(best_b, b, share)
    line_starts = np.concatenate((a_starts, b_starts))
    line_group = line_starts // stride
    coder = np.repeat(np.array([0, 1], dtype=np.int64), [len(a_starts), len(b_starts)])
    order = np.lexsort((line_starts, coder, line_group))
    line_group, coder, line_starts = line_group[order], coder[order], line_starts[order]
    line_ends = np.concatenate((a_ends, b_ends))[order]
    offset = line_group * stride
    code, source = np.divmod(line_group, max(len(columns.sources), 1))
    return MatchingRows(overlap, columns.codes, columns.sources, code, source, coder, line_starts - offset,
                        line_ends - offset, np.concatenate((best_a, best_b))[order])  # fmt: skip
