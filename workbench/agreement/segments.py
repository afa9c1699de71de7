"""Segment-level agreement: units decided in advance (sentences, turns).

:func:`segment_values` decides per unit whether a coder applied the code:
yes when the coder's codings cover more than 0 characters of the unit and
at least ``min_share`` of its length (default ``None``: any overlap).
Rows of 1/0 per coder feed the metric functions with ``categories=(0, 1)``.
:func:`segment_values_by_code` does this for many sources and codes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.agreement.codings import CoderCodings, SpanLike, check_sources, checked, codes_used, spans_of
from workbench.domain.spans import merge


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
        row[:] = _carries(starts, ends, checked(spans, None, "coding"), min_share)
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
    check_sources(coders, units_by_source)
    codes = codes_used(coders) if codes is None else list(codes)
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
                last += [end for _, end in checked(spans, None, f"source {source!r}")]
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
                for start, end in spans_of(coder, source, code)
            ]
            row[:] = _carries(unit_starts, unit_ends, shifted, min_share)
        rows.flags.writeable = False
        result[code] = SegmentValues(code, rows, sources)
    return result
