"""Compare coders' codings of the same sources: characters, segments, matched codings.

Inputs are plain spans, not database rows. A coder's codings are a
``CoderCodings`` mapping ``{source: {code: [(start, end), ...]}}`` with
0-based, end-exclusive code-point offsets (see ``workbench.domain.spans``).
Every result says which unit it counts, because the three levels can disagree
sharply (the same codings can give 100% at character level and 0% matched
segments).

Character level, as NVivo's Coding Comparison query
    :func:`character_table` counts, for one code in one source, the characters
    coded by both, by the first coder only, by the second only, and by neither
    (a 2x2 :class:`Table2x2`); kappa is Cohen's kappa of that table. Codings of
    one code by one coder are a set of characters: overlapping or touching
    codings count once. :func:`compare_characters` gives every code in every
    source and, per code, three labelled summaries (:class:`CharacterAgreement`):
    the unweighted mean over sources, the mean weighted by source length, and
    the pooled kappa of the summed table; likewise for percent agreement.

    Degenerate cells, per code and source:

    * neither coder used the code: percent agreement 100, kappa ``None``
      (0/0; reason "neither coder applied the code"). NVivo is said to show 1
      here; pass ``undefined_kappa_as=1.0`` to count such cells as 1 in the
      means (cells still show ``None``). By default they are left out of the means.
    * both coders coded every character: percent 100, kappa ``None`` (0/0).
    * only one coder used the code: kappa is exactly 0 (chance agreement
      equals observed agreement), never negative; percent = uncoded share.
    * empty source (length 0): kappa and percent ``None``; left out of all means.

Segment level (units decided in advance: sentences, turns)
    :func:`segment_values` decides per unit whether a coder applied the code:
    yes when the coder's codings cover more than 0 characters of the unit and
    at least ``min_share`` of its length (default ``None``: any overlap).
    Rows of 1/0 per coder feed the metric functions with ``categories=(0, 1)``.
    :func:`segment_values_by_code` does this for many sources and codes.

Segment matching, as MAXQDA's "code overlap at segments of at least X %"
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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from workbench.agreement.metrics import (
    brennan_prediger_from_counts,
    explain_undefined,
    kappa_from_counts,
    percent_from_counts,
)
from workbench.domain.spans import Span, intersect_all, merge

SpanLike = tuple[int, int]
CoderCodings = Mapping[Hashable, Mapping[Hashable, Sequence[SpanLike]]]  # source -> code -> spans


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


def _checked(spans: Iterable[SpanLike], limit: int | None, what: str) -> list[SpanLike]:
    spans = list(spans)
    for start, end in spans:
        if start < 0 or end < start or (limit is not None and end > limit):
            bound = f" (length {limit})" if limit is not None else ""
            raise ValueError(f"{what}: span {start}-{end} is not a span of the source{bound}")
    return spans


def _codes_used(codings: Iterable[CoderCodings]) -> list[Hashable]:
    codes = list(dict.fromkeys(code for coder in codings for per_code in coder.values() for code in per_code))
    try:
        return sorted(codes)  # type: ignore[type-var]
    except TypeError:
        return codes


def _spans(codings: CoderCodings, source: Hashable, code: Hashable) -> Sequence[SpanLike]:
    return codings.get(source, {}).get(code, ())


def _unknown_sources(codings: Iterable[CoderCodings], known: Mapping[Hashable, object]) -> None:
    for coder in codings:
        for source in coder:
            if source not in known:
                raise ValueError(f"codings refer to source {source!r}, which is not among the sources compared")


# --- character level ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table2x2:
    """Units (characters) coded by both coders, the first only, the second only, neither."""

    both: int
    first_only: int
    second_only: int
    neither: int

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.both, self.first_only, self.second_only, self.neither)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def kappa(self) -> float | None:
        return kappa_from_counts(*self.counts)

    @property
    def kappa_undefined(self) -> str | None:
        """Why :attr:`kappa` is None, or None when it is defined."""
        return explain_undefined(kappa_from_counts, *self.counts)

    @property
    def percent(self) -> float | None:
        return percent_from_counts(*self.counts)

    def __add__(self, other: Table2x2) -> Table2x2:
        return Table2x2(*(a + b for a, b in zip(self.counts, other.counts, strict=True)))


def character_table(
    first_spans: Iterable[SpanLike], second_spans: Iterable[SpanLike], text_length: int
) -> Table2x2:
    """2x2 table of characters for one code in one source, from each coder's spans."""
    if text_length < 0:
        raise ValueError(f"text length {text_length} is negative")
    first = merge(_checked(first_spans, text_length, "first coder"))
    second = merge(_checked(second_spans, text_length, "second coder"))
    coded_first = sum(span.length for span in first)
    coded_second = sum(span.length for span in second)
    both = sum(span.length for span in intersect_all(first, second))
    return Table2x2(
        both, coded_first - both, coded_second - both, text_length - coded_first - coded_second + both
    )


@dataclass(frozen=True, slots=True)
class CharacterCell:
    """One code in one source: the 2x2 character table (kappa, percent are on it)."""

    source: Hashable
    table: Table2x2


def _means(pairs: list[tuple[float, int]]) -> tuple[float | None, float | None]:
    """Unweighted and weight-weighted mean of (value, weight) pairs."""
    if not pairs:
        return None, None
    weights = sum(w for _, w in pairs)
    return sum(v for v, _ in pairs) / len(pairs), sum(v * w for v, w in pairs) / weights


@dataclass(frozen=True, slots=True)
class CharacterAgreement:
    """Character-level agreement on one code across sources, summarised three ways.

    ``mean_*``: unweighted mean over sources; ``weighted_*``: mean weighted by
    source length (characters); ``pooled_*``: from the table summed over sources.
    Cells with undefined kappa are left out of the kappa means unless
    ``undefined_kappa_as`` is set; ``undefined_cells`` counts them.
    """

    code: Hashable
    cells: tuple[CharacterCell, ...]
    mean_kappa: float | None
    weighted_kappa: float | None
    pooled_kappa: float | None
    mean_percent: float | None
    weighted_percent: float | None
    pooled_percent: float | None
    undefined_cells: int
    undefined_kappa_as: float | None = None

    @classmethod
    def of(
        cls, code: Hashable, cells: Iterable[CharacterCell], *, undefined_kappa_as: float | None = None
    ) -> CharacterAgreement:
        cells = tuple(cells)
        kappas: list[tuple[float, int]] = []
        percents: list[tuple[float, int]] = []
        undefined = 0
        for cell in cells:
            size = cell.table.total
            if size == 0:
                continue
            percents.append((cell.table.percent, size))  # type: ignore[arg-type]  # defined: size > 0
            kappa = cell.table.kappa
            if kappa is None:
                undefined += 1
                kappa = undefined_kappa_as
            if kappa is not None:
                kappas.append((kappa, size))
        pooled = sum((cell.table for cell in cells), Table2x2(0, 0, 0, 0))
        return cls(
            code, cells, *_means(kappas), pooled.kappa, *_means(percents), pooled.percent,
            undefined, undefined_kappa_as,
        )  # fmt: skip


def compare_characters(
    first: CoderCodings,
    second: CoderCodings,
    text_lengths: Mapping[Hashable, int],
    *,
    codes: Iterable[Hashable] | None = None,
    undefined_kappa_as: float | None = None,
) -> dict[Hashable, CharacterAgreement]:
    """Character-level agreement per code over the sources in ``text_lengths``.

    ``codes`` defaults to every code either coder used; a listed code that
    neither coder used in a source gives a "neither" cell there.
    """
    _unknown_sources((first, second), text_lengths)
    codes = _codes_used((first, second)) if codes is None else list(codes)
    return {
        code: CharacterAgreement.of(
            code,
            (
                CharacterCell(source, character_table(_spans(first, source, code), _spans(second, source, code), n))
                for source, n in text_lengths.items()
            ),
            undefined_kappa_as=undefined_kappa_as,
        )
        for code in codes
    }


# --- segment level ---------------------------------------------------------------------


def _carries(
    unit_starts: np.ndarray, unit_ends: np.ndarray, spans: Iterable[SpanLike], min_share: float | None
) -> np.ndarray:
    """Per unit: do the spans cover more than 0 and at least ``min_share`` of it?

    The covered length before a position x, C(x), is piecewise linear with knots
    at the merged spans' ends, so each unit's coverage C(end) - C(start) is one
    interpolation (exact: every knot and position is a whole number).
    """
    merged = merge(spans)
    if not merged:
        return np.zeros(len(unit_starts), dtype=bool)
    knots = np.fromiter((x for span in merged for x in span), dtype=np.float64, count=2 * len(merged))
    lengths = knots[1::2] - knots[0::2]
    covered_to = np.repeat(np.concatenate(([0.0], np.cumsum(lengths))), 2)[1:-1]
    covered = np.interp(unit_ends, knots, covered_to) - np.interp(unit_starts, knots, covered_to)
    carries = covered > 0
    if min_share is not None:
        carries &= covered / np.maximum(unit_ends - unit_starts, 1) >= min_share
    return carries


def _unit_arrays(units: Sequence[SpanLike]) -> tuple[np.ndarray, np.ndarray]:
    array = np.asarray(units, dtype=np.int64).reshape(-1, 2)
    if (array[:, 0] < 0).any() or (array[:, 1] < array[:, 0]).any():
        raise ValueError("every unit needs 0 <= start <= end")
    return array[:, 0].copy(), array[:, 1].copy()


def _check_share(min_share: float | None) -> None:
    if min_share is not None and not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], not {min_share}")


def segment_values(
    units: Sequence[SpanLike], coder_spans: Sequence[Iterable[SpanLike]], *, min_share: float | None = None
) -> np.ndarray:
    """Rows (coders x units) of 1/0: did each coder apply the code to each unit?

    A unit carries the code when the coder's spans cover more than 0 of its
    characters and at least ``min_share`` of its length (``None``: any overlap).
    Computed from the covered length up to each unit boundary, by interpolating
    over the merged spans' boundaries (no per-character arrays).
    The result is reliability data for the metrics, with ``categories=(0, 1)``.
    """
    _check_share(min_share)
    starts, ends = _unit_arrays(units)
    rows = np.zeros((len(coder_spans), len(starts)), dtype=np.int8)
    for row, spans in zip(rows, coder_spans, strict=True):
        row[:] = _carries(starts, ends, _checked(spans, None, "coding"), min_share)
    return rows


@dataclass(frozen=True)
class SegmentValues:
    """One code: 1/0 per coder (rows) and unit (columns, sources in ``sources`` order)."""

    code: Hashable
    rows: np.ndarray  # read-only, int8, shape (coders, units)
    sources: tuple[tuple[Hashable, int], ...]  # (source, number of units), in column order


def segment_values_by_code(
    units_by_source: Mapping[Hashable, Sequence[SpanLike]],
    coders: Sequence[CoderCodings],
    *,
    codes: Iterable[Hashable] | None = None,
    min_share: float | None = None,
) -> dict[Hashable, SegmentValues]:
    """:func:`segment_values` for every code over every source, for two or more coders.

    The sources are laid end to end so each coder and code is one vectorised pass.
    """
    if len(coders) < 2:
        raise ValueError(f"comparing needs two or more coders, not {len(coders)}")
    _check_share(min_share)
    _unknown_sources(coders, units_by_source)
    codes = _codes_used(coders) if codes is None else list(codes)
    offsets: dict[Hashable, int] = {}
    all_starts, all_ends, position = [], [], 0
    for source, units in units_by_source.items():
        starts, ends = _unit_arrays(units)
        offsets[source] = position
        all_starts.append(starts + position)
        all_ends.append(ends + position)
        last = [int(ends.max())] if len(ends) else []
        for coder in coders:
            for spans in coder.get(source, {}).values():
                last += [end for _, end in _checked(spans, None, f"source {source!r}")]
        position += max(last, default=0)  # the next source starts after everything in this one
    unit_starts = np.concatenate(all_starts) if all_starts else np.zeros(0, dtype=np.int64)
    unit_ends = np.concatenate(all_ends) if all_ends else np.zeros(0, dtype=np.int64)
    sources = tuple((source, len(units)) for source, units in units_by_source.items())
    result = {}
    for code in codes:
        rows = np.zeros((len(coders), len(unit_starts)), dtype=np.int8)
        for row, coder in zip(rows, coders, strict=True):
            shifted = [
                (start + offset, end + offset)
                for source, offset in offsets.items()
                for start, end in _spans(coder, source, code)
            ]
            row[:] = _carries(unit_starts, unit_ends, shifted, min_share)
        rows.flags.writeable = False
        result[code] = SegmentValues(code, rows, sources)
    return result


# --- segment matching (MAXQDA) ---------------------------------------------------------


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
    codes = _codes_used((first, second)) if codes is None else list(codes)
    sources = list(dict.fromkeys([*first, *second]))
    results = []
    for code in codes:
        matched: list[CodingRow] = []
        unmatched: list[CodingRow] = []
        for source in sources:
            a = merge_overlapping(_checked(_spans(first, source, code), None, "first coder"))
            b = merge_overlapping(_checked(_spans(second, source, code), None, "second coder"))
            for coder, spans, best in zip((0, 1), (a, b), _best_overlaps(a, b), strict=True):
                for span, share in zip(spans, best, strict=True):
                    (matched if share >= overlap else unmatched).append(CodingRow(coder, source, span, share))
        results.append(CodeMatching(code, tuple(matched), tuple(unmatched)))
    return SegmentMatching(overlap, tuple(results))


__all__ = [
    "CharacterAgreement",
    "CharacterCell",
    "CodeMatching",
    "CoderCodings",
    "CodingRow",
    "SegmentMatching",
    "SegmentValues",
    "Table2x2",
    "character_table",
    "compare_characters",
    "match_segments",
    "merge_overlapping",
    "segment_values",
    "segment_values_by_code",
]
