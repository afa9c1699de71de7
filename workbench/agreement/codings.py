"""Coders' codings as plain spans: the types and input checks the comparisons share.

A coder's codings are a ``CoderCodings`` mapping ``{source: {code: [(start, end), ...]}}``
with 0-based, end-exclusive code-point offsets (see ``workbench.domain.spans``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

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
