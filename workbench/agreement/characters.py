"""Character-level agreement, as NVivo's Coding Comparison query.

:func:`character_table` counts, for one code in one source, the characters
coded by both, by the first coder only, by the second only, and by neither
(a 2x2 :class:`~workbench.agreement.counts.Table2x2`); kappa is Cohen's kappa
of that table. Codings of one code by one coder are a set of characters:
overlapping or touching codings count once. :func:`compare_characters` gives
every code in every source and, per code, three labelled summaries
(:class:`CharacterAgreement`): the unweighted mean over sources, the mean
weighted by source length, and the pooled kappa of the summed table; likewise
for percent agreement. :func:`character_blocks` splits one code's table in one
source into blocks of text (for the bootstrap).

Degenerate cells, per code and source:

* neither coder used the code: percent agreement 100, kappa ``None``
  (0/0; reason "neither coder applied the code"). NVivo is said to show 1
  here; pass ``undefined_kappa_as=1.0`` to count such cells as 1 in the
  means (cells still show ``None``). By default they are left out of the means.
* both coders coded every character: percent 100, kappa ``None`` (0/0).
* only one coder used the code: kappa is exactly 0 (chance agreement
  equals observed agreement), never negative; percent = uncoded share.
* empty source (length 0): kappa and percent ``None``; left out of all means.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from workbench.agreement.codings import CoderCodings, SpanLike, check_sources, checked, codes_used, spans_of
from workbench.agreement.counts import Table2x2
from workbench.domain.spans import intersect_all, merge


def character_table(
    first_spans: Iterable[SpanLike], second_spans: Iterable[SpanLike], text_length: int
) -> Table2x2:
    """2x2 table of characters for one code in one source, from each coder's spans."""
    if text_length < 0:
        raise ValueError(f"text length {text_length} is negative")
    first = merge(checked(first_spans, text_length, "first coder"))
    second = merge(checked(second_spans, text_length, "second coder"))
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
    check_sources((first, second), text_lengths)
    codes = codes_used((first, second)) if codes is None else list(codes)
    return {
        code: CharacterAgreement.of(
            code,
            (
                CharacterCell(source, character_table(spans_of(first, source, code), spans_of(second, source, code), n))
                for source, n in text_lengths.items()
            ),
            undefined_kappa_as=undefined_kappa_as,
        )
        for code in codes
    }


# --- blocks of text (for the bootstrap) -----------------------------------------------------


def _covered(spans: list, positions: np.ndarray) -> np.ndarray:
    """Characters covered by ``spans`` before each position (piecewise linear, exact)."""
    merged = merge(spans)
    if not merged:
        return np.zeros(len(positions))
    knots = np.array([x for span in merged for x in span], dtype=np.float64)
    covered = np.repeat(np.concatenate(([0.0], np.cumsum(knots[1::2] - knots[0::2]))), 2)[1:-1]
    return np.interp(positions, knots, covered)


def character_blocks(first: list, second: list, block_starts: list[int], length: int) -> np.ndarray:
    """(blocks, 4) tables of one code in one source, one row per sentence block; rows sum to the source's table."""
    edges = np.array([*block_starts, length], dtype=np.float64)
    a = np.diff(_covered(first, edges))
    b = np.diff(_covered(second, edges))
    both = np.diff(_covered(intersect_all(first, second), edges))
    sizes = np.diff(edges)
    return np.rint(np.column_stack([both, a - both, b - both, sizes - a - b + both])).astype(np.int64)
