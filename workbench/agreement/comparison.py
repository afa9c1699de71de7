"""Compare coders' codings of the same sources: characters, segments, matched codings.

Inputs are plain spans, not database rows. A coder's codings are a
``CoderCodings`` mapping ``{source: {code: [(start, end), ...]}}`` with
0-based, end-exclusive code-point offsets (see ``workbench.domain.spans``).
Every result says which unit it counts, because the three levels can disagree
sharply (the same codings can give 100% at character level and 0% matched
segments).

Character level, as NVivo's Coding Comparison query
    :func:`character_table`, :func:`compare_characters`
    (:mod:`workbench.agreement.characters`): a 2x2 table of characters per code
    and source, kappa and percent agreement, summarised per code three ways.

Segment level (units decided in advance: sentences, turns)
    :func:`segment_values`, :func:`segment_values_by_code`
    (:mod:`workbench.agreement.segments`): 1/0 per coder and unit, for the
    metric functions with ``categories=(0, 1)``.

Segment matching, as MAXQDA's "code overlap at segments of at least X %"
    :func:`match_segments` (:mod:`workbench.agreement.matching`): codings
    matched by overlap |s ∩ t| / |s ∪ t|, percent matched and kappa_n.

This module gathers their public names; each module's docstring gives the rules.
"""

from __future__ import annotations

from workbench.agreement.characters import CharacterAgreement, CharacterCell, character_table, compare_characters
from workbench.agreement.codings import CoderCodings
from workbench.agreement.counts import Table2x2
from workbench.agreement.matching import CodeMatching, CodingRow, SegmentMatching, match_segments, merge_overlapping
from workbench.agreement.segments import SegmentValues, segment_values, segment_values_by_code

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
