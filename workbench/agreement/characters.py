"""Character-level agreement, as NVivo's Coding Comparison query.

:func:`character_table` counts, for one code in one source, the characters
coded by both, by the first coder only, by the second only, and by neither
(a 2x2 :class:`~workbench.agreement.counts.Table2x2`); kappa is Cohen's kappa
of that table. Codings of one code by one coder are a set of characters:
overlapping or touching codings count once. :func:`compare_characters` gives
every code in every source and, per code, three labelled summaries
(:class:`CharacterAgreement`): the unweighted mean over sources, the mean
weighted by source length, and the pooled kappa of the summed table; likewise
for percent agreement. :func:`character_tables` computes every code's tables over every source at
once with numpy from :class:`~workbench.agreement.codings.CodingColumns`, and for the bootstrap the
tables of the blocks of text (sentence blocks) anyone coded.

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
from typing import TypeVar

import numpy as np

from workbench.agreement.codings import (
    CoderCodings,
    CodingColumns,
    SpanLike,
    check_sources,
    checked,
    codes_used,
    merged_spans,
)
from workbench.agreement.counts import Table2x2
from workbench.domain.spans import intersect_all, merge

_Source = TypeVar("_Source", bound=Hashable)


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


def means(sizes: Sequence[int] | np.ndarray, kappas: Sequence[float | None] | np.ndarray,
          percents: Sequence[float | None] | np.ndarray,
          undefined_kappa_as: float | None = None) -> tuple[float | None, float | None, float | None, float | None, int]:
    """Mean and size-weighted mean of the kappas and percents of a code's sources, and the count of
    undefined kappas (None or NaN): empty sources are left out; an undefined kappa counts as
    ``undefined_kappa_as`` (left out when None). The sums run in source order, as Python's ``sum``."""
    size, kappa, percent = np.asarray(sizes, dtype=np.int64), _floats(kappas), _floats(percents)
    keep = size > 0
    size, kappa, percent = size[keep], kappa[keep], percent[keep]
    undefined = np.isnan(kappa)
    if undefined_kappa_as is not None:
        kappa = np.where(undefined, undefined_kappa_as, kappa)
    counted = ~np.isnan(kappa)
    return (*_means(kappa[counted], size[counted]), *_means(percent, size), int(undefined.sum()))


def _floats(values: Sequence[float | None] | np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(np.float64)
    return np.array([np.nan if value is None else value for value in values], dtype=np.float64)


def _means(values: np.ndarray, weights: np.ndarray) -> tuple[float | None, float | None]:
    """Unweighted and weighted mean; cumsum adds in order, one rounding at a time, as ``sum`` does."""
    if not len(values):
        return None, None
    total, weighted = np.cumsum(values)[-1], np.cumsum(values * weights)[-1]
    return float(total) / len(values), float(weighted) / int(weights.sum())


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
        mean_kappa, weighted_kappa, mean_percent, weighted_percent, undefined = means(
            [cell.table.total for cell in cells], [cell.table.kappa for cell in cells],
            [cell.table.percent for cell in cells], undefined_kappa_as,
        )  # fmt: skip
        pooled = sum((cell.table for cell in cells), Table2x2(0, 0, 0, 0))
        return cls(
            code, cells, mean_kappa, weighted_kappa, pooled.kappa, mean_percent, weighted_percent, pooled.percent,
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
    sources = tuple(text_lengths)
    columns = CodingColumns.of((first, second), sources, codes, text_lengths)
    layout = BlockLayout.of(text_lengths, block_starts)
    tables = character_tables(columns, layout)
    results = {}
    for c, code in enumerate(codes):
        cells = (CharacterCell(source, Table2x2(*row)) for source, row in zip(sources, tables.sources[c].tolist()))
        results[code] = CharacterAgreement.of(code, cells, undefined_kappa_as=undefined_kappa_as,
                                              blocks=tables.dense(c))  # fmt: skip
    return results


# --- every code and source at once (numpy) ------------------------------------------------------


@dataclass(frozen=True)
class BlockLayout:
    """Sources laid end to end, each cut into blocks (sentence blocks, or the whole source).

    ``lengths[i]`` is the length of source i and ``offsets[i]`` where it begins; ``edges`` the block
    boundaries on that line (the last is the total length); ``first_block[i]`` the index of source
    i's first block. Every source has at least one block (a source of length 0: an empty one).
    """

    lengths: np.ndarray
    offsets: np.ndarray
    edges: np.ndarray
    first_block: np.ndarray

    @classmethod
    def of(cls, text_lengths: Mapping[_Source, int], block_starts: Mapping[_Source, Sequence[int]] | None = None) -> BlockLayout:
        """Blocks starting at ``block_starts[source]`` (each list starts at 0; None: one block per source)."""
        lengths = np.fromiter(text_lengths.values(), dtype=np.int64, count=len(text_lengths))
        offsets = np.cumsum(lengths) - lengths
        if block_starts is None:
            return cls(lengths, offsets, np.append(offsets, lengths.sum()), np.arange(len(lengths)))
        edges: list[int] = []
        firsts = []
        for (source, length), at in zip(text_lengths.items(), offsets.tolist(), strict=True):
            firsts.append(len(edges))
            starts = block_starts.get(source, [0])
            edges.extend(at + start for start in starts if 0 <= start < max(length, 1))
            if not starts or starts[0] != 0:
                raise ValueError(f"the blocks of source {source!r} must start at 0")
        edges.append(int(lengths.sum()))
        return cls(lengths, offsets, np.asarray(edges, dtype=np.int64), np.asarray(firsts, dtype=np.int64))

    @classmethod
    def of_starts(cls, lengths: np.ndarray, source: np.ndarray, start: np.ndarray) -> BlockLayout:
        """Blocks from (source index, start) pairs in any order: every source's block at 0, and one at each
        distinct start inside the source (others ignored)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        count = len(lengths)
        offsets = np.cumsum(lengths) - lengths
        inside = (start > 0) & (start < lengths[source])
        sources = np.concatenate((np.arange(count), source[inside]))
        starts = np.concatenate((np.zeros(count, dtype=np.int64), start[inside]))
        order = np.lexsort((starts, sources))
        sources, starts = sources[order], starts[order]
        distinct = np.ones(len(sources), dtype=bool)
        distinct[1:] = (sources[1:] != sources[:-1]) | (starts[1:] != starts[:-1])
        sources, starts = sources[distinct], starts[distinct]
        edges = np.append(offsets[sources] + starts, lengths.sum())
        return cls(lengths, offsets, edges, np.searchsorted(sources, np.arange(count)))

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.edges)


class _Coverage:
    """The characters a set of spans covers before each position (exact whole numbers)."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        self.starts, self.ends = merged_spans(starts, ends, join_touching=True)
        self.lengths = self.ends - self.starts
        self.before = np.concatenate(([0], np.cumsum(self.lengths))).astype(np.int64)

    def at(self, positions: np.ndarray) -> np.ndarray:
        if len(self.starts) == 0:
            return np.zeros(len(positions), dtype=np.int64)
        i = np.maximum(np.searchsorted(self.starts, positions, side="right") - 1, 0)
        return self.before[i] + np.clip(positions - self.starts[i], 0, self.lengths[i])

    def between(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return self.at(ends) - self.at(starts)


@dataclass(frozen=True)
class CharacterTables:
    """Two coders' 2x2 character tables (both, first only, second only, neither) of every code.

    ``sources[c, s]``: code c in source s. ``block_tables``: for each block of the layout that
    anyone coded with a code, the table of that code in that block (``block_code``, ``block``
    sorted by code, then block); every other block of a code is all "neither".
    """

    sources: np.ndarray  # (codes, sources, 4)
    layout: BlockLayout
    block_code: np.ndarray  # (coded blocks,)
    block: np.ndarray
    block_tables: np.ndarray  # (coded blocks, 4)

    def rows(self, code: int) -> slice:
        """The coded blocks of code index ``code`` in ``block``/``block_tables``."""
        return slice(*np.searchsorted(self.block_code, [code, code + 1]).tolist())

    def dense(self, code: int) -> np.ndarray:
        """(blocks, 4): the code's table in every block."""
        sizes = self.layout.sizes
        dense = np.zeros((len(sizes), 4), dtype=np.int64)
        dense[:, 3] = sizes
        rows = self.rows(code)
        dense[self.block[rows]] = self.block_tables[rows]
        return dense


def character_tables(columns: CodingColumns, layout: BlockLayout, *, blocks: bool = True) -> CharacterTables:
    """Every code's character tables per source and per coded block (``blocks=False``: per source only).

    ``columns`` holds the codings of two coders (0 and 1) over the sources of ``layout``, in its order.
    Each code gets a line of its own with the sources end to end, one character apart from the next
    code's, so each coder's codings (and both coders' together) are one set of spans for all codes;
    a table is then the characters each set covers between two positions, a binary search away.
    """
    lengths, offsets = layout.lengths, layout.offsets
    codes, count = len(columns.codes), len(lengths)
    stride = int(lengths.sum()) + 1
    base = columns.code * stride + offsets[columns.source]
    starts, ends = base + columns.start, base + columns.end
    first, second = columns.coder == 0, columns.coder == 1
    coverage = [_Coverage(starts[mask], ends[mask]) for mask in (first, second, first | second)]

    def tables(at: np.ndarray, to: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        a, b, union = (cover.between(at, to) for cover in coverage)
        both = a + b - union
        return np.column_stack([both, a - both, b - both, sizes - union])

    at = (np.arange(codes, dtype=np.int64)[:, None] * stride + offsets[None, :]).ravel()
    sizes = np.tile(lengths, codes)
    per_source = tables(at, at + sizes, sizes).reshape(codes, count, 4)
    if not blocks:
        empty = np.zeros(0, dtype=np.int64)
        return CharacterTables(per_source, layout, empty, empty, np.zeros((0, 4), dtype=np.int64))
    # The blocks anyone coded: those the merged spans of both coders together reach into.
    union = coverage[2]
    code = union.starts // stride
    edges = layout.edges
    low = np.searchsorted(edges, union.starts - code * stride, side="right") - 1
    high = np.searchsorted(edges, union.ends - code * stride, side="left") - 1
    spans = high - low + 1
    block = np.repeat(low - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    block_code = np.repeat(code, spans)
    distinct = np.ones(len(block), dtype=bool)
    distinct[1:] = (block[1:] != block[:-1]) | (block_code[1:] != block_code[:-1])
    block, block_code = block[distinct], block_code[distinct]
    at = block_code * stride + edges[block]
    block_sizes = edges[block + 1] - edges[block]
    block_tables = tables(at, at + block_sizes, block_sizes)
    coded = block_tables[:, 3] < block_sizes  # not the empty blocks of empty sources a merged span runs past
    return CharacterTables(per_source, layout, block_code[coded], block[coded], block_tables[coded])
