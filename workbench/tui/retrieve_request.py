"""What the Retrieve screen asks for, and how its status line describes the answer."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.services.coding.retrieve import Retrieval
from workbench.services.export.segments import SegmentQuery


@dataclass(frozen=True)
class RetrieveRequest:
    """The codes and filters picked; equal requests need no new query."""

    codes: tuple[str, ...]
    include_children: bool
    coder: str | None
    attributes: tuple[tuple[str, str], ...]
    kinds: tuple[str, ...]

    def attribute_filter(self) -> dict[str, list[str]]:
        wanted: dict[str, list[str]] = {}
        for key, value in self.attributes:
            wanted.setdefault(key, []).append(value)
        return wanted

    def segment_query(self) -> SegmentQuery:
        """The same request for the segments export (``e``): every segment, not only those listed."""
        return SegmentQuery(
            codes=self.codes, include_children=self.include_children, coder=self.coder,
            attribute_filter=self.attribute_filter() or None, source_kinds=self.kinds or None,
        )

    def describe(self, retrieval: Retrieval, loaded: int, reading: bool) -> str:
        """The status line: how many segments in how many sources, how many listed so far, the filters."""
        if not self.codes:
            return "Pick codes on the left (space) to see their coded segments"
        parts = [f"{retrieval.total:,} segment(s) · {retrieval.source_count:,} source(s)"]
        if loaded < retrieval.total:
            parts.append(f"{loaded:,} shown, reading more…" if reading else f"{loaded:,} shown, more on scroll")
        parts.append("with sub-codes" if self.include_children else "no sub-codes")
        if self.attributes:
            parts.append(", ".join(f"{key}={value}" for key, value in self.attributes))
        if self.coder:
            parts.append(f"{self.coder}'s codings only")
        return " · ".join(parts)
