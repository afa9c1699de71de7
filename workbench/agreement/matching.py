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

from workbench.agreement.codings import CoderCodings, SpanLike, checked, codes_used, spans_of
from workbench.agreement.counts import brennan_prediger_from_counts
from workbench.agreement.undefined import explain_undefined
from workbench.domain.spans import Span


def merge_overlapping(spans: Iterable[SpanLike]) -> list[Span]:
    """Sorted union of spans that share a code point; touching spans stay separate.

    Unlike :func:`workbench.domain.spans.merge`, ``(0, 5)`` and ``(5, 9)`` remain
    two spans: as codings they are two segments. Empty spans are dropped.
    """
    result: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if result and start < result[-1].end:
            if end > result[-1].end:
                result[-1] = Span(result[-1].start, end)
        else:
            result.append(Span(start, end))
    return result


class CodingRow(NamedTuple):
    """One coding in the matching table."""

    coder: int  # 0 = first coder, 1 = second
    source: Hashable
    span: Span
    best_overlap: float  # largest |s ∩ t| / |s ∪ t| with the other coder's same-code codings


def _best_overlaps(first: list[Span], second: list[Span]) -> tuple[list[float], list[float]]:
    """For two sorted lists of non-overlapping spans: each span's best overlap share with the other list."""
    best_first, best_second = [0.0] * len(first), [0.0] * len(second)
    i = j = 0
    while i < len(first) and j < len(second):
        s, t = first[i], second[j]
        shared = min(s.end, t.end) - max(s.start, t.start)
        if shared > 0:
            share = shared / (max(s.end, t.end) - min(s.start, t.start))
            best_first[i] = max(best_first[i], share)
            best_second[j] = max(best_second[j], share)
        if s.end <= t.end:
            i += 1
        else:
            j += 1
    return best_first, best_second


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
        return 100.0 * self.agreements / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class SegmentMatching:
    """MAXQDA-style segment agreement over all codes compared."""

    overlap: float
    codes: tuple[CodeMatching, ...]

    @property
    def agreements(self) -> int:
        return sum(code.agreements for code in self.codes)

    @property
    def total(self) -> int:
        return sum(code.total for code in self.codes)

    @property
    def percent_observed(self) -> float | None:
        """Agreeing rows / all rows, in percent (MAXQDA's P observed x 100)."""
        return 100.0 * self.agreements / self.total if self.total else None

    @property
    def codes_in_table(self) -> int:
        """k: codes with at least one coding; P_chance = 1/k."""
        return sum(1 for code in self.codes if code.total)

    @property
    def kappa_n(self) -> float | None:
        """Brennan-Prediger kappa_n = (Po - 1/k) / (1 - 1/k), as MAXQDA reports it."""
        return brennan_prediger_from_counts(self.agreements, self.total, self.codes_in_table)

    @property
    def kappa_n_undefined(self) -> str | None:
        counts = (self.agreements, self.total, self.codes_in_table)
        return explain_undefined(brennan_prediger_from_counts, *counts)


def match_segments(
    first: CoderCodings,
    second: CoderCodings,
    *,
    overlap: float = 0.9,
    codes: Iterable[Hashable] | None = None,
) -> SegmentMatching:
    """Match each coder's codings against the other's, code by code (see module docstring)."""
    if not 0 < overlap <= 1:
        raise ValueError(f"overlap must be in (0, 1], not {overlap}")
    codes = codes_used((first, second)) if codes is None else list(codes)
    sources = list(dict.fromkeys([*first, *second]))
    results = []
    for code in codes:
        matched: list[CodingRow] = []
        unmatched: list[CodingRow] = []
        for source in sources:
            a = merge_overlapping(checked(spans_of(first, source, code), None, "first coder"))
            b = merge_overlapping(checked(spans_of(second, source, code), None, "second coder"))
            for coder, spans, best in zip((0, 1), (a, b), _best_overlaps(a, b), strict=True):
                for span, share in zip(spans, best, strict=True):
                    (matched if share >= overlap else unmatched).append(CodingRow(coder, source, span, share))
        results.append(CodeMatching(code, tuple(matched), tuple(unmatched)))
    return SegmentMatching(overlap, tuple(results))
