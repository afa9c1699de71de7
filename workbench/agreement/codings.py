"""Coders' codings as plain spans: the types and input checks the comparisons share.

A coder's codings are a ``CoderCodings`` mapping ``{source: {code: [(start, end), ...]}}``
with 0-based, end-exclusive code-point offsets (see ``workbench.domain.spans``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SpanLike = tuple[int, int]
CoderCodings = Mapping[Hashable, Mapping[Hashable, Sequence[SpanLike]]]  # source -> code -> spans


def checked(spans: Iterable[SpanLike], limit: int | None, what: str) -> list[SpanLike]:
    """The spans as a list; ValueError for a span that is not a span of the source."""
    spans = list(spans)
    for start, end in spans:
        if start < 0 or end < start or (limit is not None and end > limit):
            bound = f" (length {limit})" if limit is not None else ""
            raise ValueError(f"{what}: span {start}-{end} is not a span of the source{bound}")
    return spans


def codes_used(codings: Iterable[CoderCodings]) -> list[Hashable]:
    """Every code any of the coders used, sorted when the codes sort."""
    codes = list(dict.fromkeys(code for coder in codings for per_code in coder.values() for code in per_code))
    try:
        return sorted(codes)  # type: ignore[type-var]
    except TypeError:
        return codes


def spans_of(codings: CoderCodings, source: Hashable, code: Hashable) -> Sequence[SpanLike]:
    return codings.get(source, {}).get(code, ())


def check_sources(codings: Iterable[CoderCodings], known: Mapping[Hashable, object]) -> None:
    """ValueError when the codings refer to a source not in ``known``."""
    for coder in codings:
        for source in coder:
            if source not in known:
                raise ValueError(f"codings refer to source {source!r}, which is not among the sources compared")


# --- columns: many coders' codings as arrays ------------------------------------------------------


@dataclass(frozen=True)
class CodingColumns:
    """Codings of several coders as parallel int64 arrays, one entry per coding.

    ``coder`` is the coder's index (0 = first), ``source`` an index into ``sources``,
    ``code`` an index into ``codes``; ``start`` and ``end`` are offsets in that source.
    The comparisons (:mod:`~workbench.agreement.characters`, :mod:`~workbench.agreement.matching`)
    work on these; the ``CoderCodings`` mappings are turned into them by :meth:`of`, and the
    agreement service builds them straight from the database.
    """

    coder: np.ndarray
    source: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    sources: tuple[Hashable, ...]
    codes: tuple[Hashable, ...]

    @classmethod
    def of(
        cls, codings: Sequence[CoderCodings], sources: Iterable[Hashable], codes: Iterable[Hashable],
        lengths: Mapping[Hashable, int] | None = None, names: Sequence[str] = ("first coder", "second coder"),
    ) -> CodingColumns:
        """Columns of ``codings`` (one mapping per coder) over ``sources`` and ``codes`` (others left out).

        Every span is checked as :func:`checked` does, against ``lengths`` when given;
        ``names`` name the coders in the error.
        """
        sources, codes = tuple(sources), tuple(codes)
        source_index = {source: i for i, source in enumerate(sources)}
        code_index = {code: i for i, code in enumerate(codes)}
        rows: list[tuple[int, int, int, int, int]] = []
        for k, coder in enumerate(codings):
            what = names[k] if k < len(names) else f"coder {k + 1}"
            for source, per_code in coder.items():
                s = source_index.get(source)
                limit = lengths.get(source) if lengths is not None else None
                for code, spans in per_code.items():
                    c = code_index.get(code)
                    if s is None or c is None:
                        continue
                    rows.extend((k, s, c, start, end) for start, end in checked(spans, limit, what))
        array = np.array(rows, dtype=np.int64).reshape(-1, 5).T.copy()
        return cls(array[0], array[1], array[2], array[3], array[4], sources, codes)

    def of_coder(self, coder: int) -> np.ndarray:
        """Indices of the coder's codings."""
        return np.flatnonzero(self.coder == coder)

    def check_lengths(self, lengths: np.ndarray, names: Sequence[str]) -> None:
        """ValueError (as :func:`checked`) for the first coding that is not a span of its source."""
        bad = np.flatnonzero((self.start < 0) | (self.end < self.start) | (self.end > lengths[self.source]))
        if len(bad):
            i = int(bad[0])
            k = int(self.coder[i])
            what = names[k] if k < len(names) else f"coder {k + 1}"
            checked([(int(self.start[i]), int(self.end[i]))], int(lengths[self.source[i]]), what)


def merged_spans(starts: np.ndarray, ends: np.ndarray, *, join_touching: bool) -> tuple[np.ndarray, np.ndarray]:
    """The union of spans on one line as sorted, disjoint spans (empty spans dropped), vectorised.

    ``join_touching``: a span starting where another ends joins it (sets of characters, as
    :func:`workbench.domain.spans.merge`); otherwise only spans sharing a character join
    (codings as segments, as :func:`workbench.agreement.matching.merge_overlapping`).
    """
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return starts, ends
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    apart = starts[1:] > reach[:-1] if join_touching else starts[1:] >= reach[:-1]
    begins = np.flatnonzero(np.concatenate(([True], apart)))
    return starts[begins], reach[np.concatenate((begins[1:] - 1, [len(starts) - 1]))]
