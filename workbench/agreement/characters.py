"""Character-level agreement, as NVivo's Coding Comparison query.

:func:`character_table` counts, for one code in one source, the characters
coded by both, by the first coder only, by the second only, and by neither
(a 2x2 :class:`~workbench.agreement.counts.Table2x2`); kappa is Cohen's kappa
of that table. Codings of one code by one coder are a set of characters:
overlapping or touching codings count once. :func:`compare_characters` gives
every code in every source and, per code, three labelled summaries
(:class:`CharacterAgreement`): the unweighted mean over sources, the mean
weighted by source length, and the pooled kappa of the summed table; likewise
for percent agreement. :func:`code_blocks` computes one code's tables over every source at
once with numpy, one row per block of text (sentence blocks for the bootstrap).

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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from workbench.agreement.codings import CoderCodings, SpanLike, check_sources, checked, codes_used
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
    blocks: np.ndarray | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls, code: Hashable, cells: Iterable[CharacterCell], *, undefined_kappa_as: float | None = None,
        blocks: np.ndarray | None = None,
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
            undefined, undefined_kappa_as, blocks,
        )  # fmt: skip


def compare_characters(
    first: CoderCodings,
    second: CoderCodings,
    text_lengths: Mapping[Hashable, int],
    *,
    codes: Iterable[Hashable] | None = None,
    undefined_kappa_as: float | None = None,
    block_starts: Mapping[Hashable, Sequence[int]] | None = None,
) -> dict[Hashable, CharacterAgreement]:
    """Character-level agreement per code over the sources in ``text_lengths``.

    ``codes`` defaults to every code either coder used; a listed code that
    neither coder used in a source gives a "neither" cell there. Each result keeps
    its (blocks, 4) tables in ``blocks`` (one row per source, or per block of
    ``block_starts`` — sentence blocks for the bootstrap).
    """
    check_sources((first, second), text_lengths)
    codes = codes_used((first, second)) if codes is None else list(codes)
    layout = BlockLayout.of(text_lengths, block_starts)
    results = {}
    for code in codes:
        blocks = code_blocks(first, second, code, layout, text_lengths)
        cells = (CharacterCell(source, Table2x2(*(int(x) for x in row)))
                 for source, row in zip(layout.sources, source_tables(blocks, layout)))
        results[code] = CharacterAgreement.of(code, cells, undefined_kappa_as=undefined_kappa_as, blocks=blocks)
    return results


# --- blocks of text: every source of one code at once (numpy) ---------------------------------


def _merged(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping or touching spans joined (as :func:`workbench.domain.spans.merge`), vectorised."""
    if len(starts) == 0:
        return starts, ends
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    begins = np.flatnonzero(np.concatenate(([True], starts[1:] > reach[:-1])))
    return starts[begins], reach[np.concatenate((begins[1:] - 1, [len(starts) - 1]))]


def _covered_before(starts: np.ndarray, ends: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Characters covered by the spans before each position (exact: piecewise linear over integers)."""
    starts, ends = _merged(starts, ends)
    if len(starts) == 0:
        return np.zeros(len(positions))
    knots = np.column_stack((starts, ends)).ravel().astype(np.float64)
    covered = np.repeat(np.concatenate(([0.0], np.cumsum(ends - starts, dtype=np.float64))), 2)[1:-1]
    return np.interp(positions, knots, covered)


@dataclass(frozen=True)
class BlockLayout:
    """Sources laid end to end, each cut into blocks (sentence blocks, or the whole source).

    ``offsets[i]`` is where source ``sources[i]`` begins; ``edges`` the block boundaries on
    that line (the last is the total length); ``first_block[i]`` the index of source i's first block.
    """

    sources: tuple[Hashable, ...]
    offsets: dict[Hashable, int]
    edges: np.ndarray
    first_block: np.ndarray

    @classmethod
    def of(cls, text_lengths: Mapping[Hashable, int], block_starts: Mapping[Hashable, Sequence[int]] | None = None) -> BlockLayout:
        sources = tuple(text_lengths)
        offsets, edges, firsts, at = {}, [], [], 0
        for source in sources:
            offsets[source] = at
            firsts.append(len(edges))
            starts = block_starts.get(source, [0]) if block_starts is not None else [0]
            edges.extend(at + start for start in starts if 0 <= start < max(text_lengths[source], 1))
            if not starts or starts[0] != 0:
                raise ValueError(f"the blocks of source {source!r} must start at 0")
            at += text_lengths[source]
        edges.append(at)
        return cls(sources, offsets, np.asarray(edges, dtype=np.float64), np.asarray(firsts, dtype=np.int64))


def _line_spans(codings: CoderCodings, code: Hashable, layout: BlockLayout, lengths: Mapping[Hashable, int],
                what: str) -> tuple[np.ndarray, np.ndarray]:
    starts: list[int] = []
    ends: list[int] = []
    for source, per_code in codings.items():
        spans = checked(per_code.get(code, ()), lengths[source], what)
        at = layout.offsets[source]
        starts.extend(at + start for start, _ in spans)
        ends.extend(at + end for _, end in spans)
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def code_blocks(
    first: CoderCodings, second: CoderCodings, code: Hashable, layout: BlockLayout, text_lengths: Mapping[Hashable, int]
) -> np.ndarray:
    """(blocks, 4) 2x2 character tables of one code, one row per block of ``layout``.

    Rows: both, first only, second only, neither. The rows of one source sum to its
    :func:`character_table`; both = first + second - union, so no intersection is built.
    """
    a_starts, a_ends = _line_spans(first, code, layout, text_lengths, "first coder")
    b_starts, b_ends = _line_spans(second, code, layout, text_lengths, "second coder")
    edges = layout.edges
    a = np.diff(_covered_before(a_starts, a_ends, edges))
    b = np.diff(_covered_before(b_starts, b_ends, edges))
    union = np.diff(_covered_before(np.concatenate((a_starts, b_starts)), np.concatenate((a_ends, b_ends)), edges))
    both = a + b - union
    sizes = np.diff(edges)
    return np.rint(np.column_stack([both, a - both, b - both, sizes - union])).astype(np.int64)


def source_tables(blocks: np.ndarray, layout: BlockLayout) -> np.ndarray:
    """(sources, 4): the blocks of each source summed (every source has at least one block)."""
    return np.add.reduceat(blocks, layout.first_block, axis=0)
