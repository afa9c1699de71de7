"""Coded segments — what the Retrieve screen shows — as a Word report, CSV or Excel.

The report researchers write findings from (NVivo's node export, QualCoder's
coding report). Word: a methods line (segments, sources, participants,
coders, codes and filters), then one part per code in codebook order — its
name, key and definition, how many segments, sources and participants — and
each passage as a quote attributed like (P03 · P03-interview · 00:12:04),
with its coders when the report holds several coders' codings — a passage
several coders (and the consensus) coded identically is printed once, as
"coded by ana, ben, consensus" — and the codings' memos under it. CSV and
Excel: one row per coding (so per coder) with every field.
Nothing is written when no segment matches; files go through a temporary
sibling, so a failure leaves nothing partial.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.domain.languages import check_language, quoted
from workbench.domain.transcript import format_timestamp
from workbench.errors import WorkbenchError
from workbench.services.agreement.progress import unfinished_consensus
from workbench.services.codebook.codes import CodeInfo, list_codes
from workbench.services.coding.retrieve import RetrievedSegment, attribute_values, retrieve
from workbench.services.export import word
from workbench.services.project.coders import require_coder
from workbench.store.engine import Project
from workbench.store.models import Source

if TYPE_CHECKING:
    import pandas as pd

SUFFIXES = (".docx", ".csv", ".xlsx")
COLUMNS = (
    "code", "code_name", "source", "kind", "participant", "speaker", "time", "start", "end", "coder", "text", "memo",
)


@dataclass(frozen=True)
class SegmentsExport:
    path: Path
    segments: int
    codes: int
    sources: int
    participants: int
    warnings: tuple[str, ...] = ()  # an unfinished consensus layer among the codings exported


@dataclass(frozen=True)
class SegmentQuery:
    """Which segments: the codes (none = every code), sub-codes or not, one coder or all, filters."""

    codes: Sequence[str] = ()
    include_children: bool = True
    coder: str | None = None
    attribute_filter: Mapping[str, str | Collection[str]] | None = None
    source_kinds: Collection[str] | None = None


def export_segments(project: Project, path: Path, query: SegmentQuery | None = None, *, bom: bool = False,
                    style: str | None = None, quote_marks: str | None = None) -> SegmentsExport:
    """Write the segments ``query`` retrieves to ``path`` (.docx, .csv or .xlsx; ``bom``: a CSV for Excel;
    ``style``: the publication style of the Word report).

    Word quotes are in the quote marks of their source's language; a publication style chosen (``style``, or
    the project's) puts its own instead, and ``quote_marks`` (a language code) one language's for all."""
    query = query or SegmentQuery()
    forced = check_language(quote_marks, "--quote-marks") if quote_marks is not None else None
    word.check_output(path, SUFFIXES)
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and importlib.util.find_spec("openpyxl") is None:
        raise WorkbenchError(f"{path}: writing .xlsx needs openpyxl; install it (pip install openpyxl) or write .csv")
    with project.session() as session:
        if query.coder is not None:
            require_coder(session, query.coder)
        codes = list_codes(session)
        languages = {name: forced or code for name, code in session.execute(select(Source.name, Source.language))}
    if query.attribute_filter:
        known = attribute_values(project)
        unknown = sorted(set(query.attribute_filter) - set(known))
        if unknown:
            raise WorkbenchError(
                f"no participant attribute {unknown[0]!r} (attributes: {', '.join(sorted(known)) or 'none yet'})"
            )
    keys = list(query.codes) or [code.key for code in codes]
    found = retrieve(
        project, keys, include_children=query.include_children, coder=query.coder,
        attribute_filter=query.attribute_filter, source_kinds=query.source_kinds,
    )
    if not found:
        raise WorkbenchError("no coded segments match; check the codes, the coder and the filters (nothing written)")
    order = {code.key: index for index, code in enumerate(codes)}
    segments = sorted(found, key=lambda s: (order.get(s.code_key, len(order)), s.source.lower(), s.source, s.start, s.end, s.coder))
    warnings = tuple(unfinished_consensus(project, {s.coder for s in segments}))
    if suffix == ".docx":
        from workbench.services.paper.styles import resolve_style, restyle, style_chosen

        document = build_document(segments, codes, query, languages, warnings)
        marks = forced is None and style_chosen(project, style)
        restyle(document, resolve_style(project, style), marks=marks)
        word.save_docx(document, path)
    else:
        from workbench.services.export.sheets import frame_sheet, write_sheets

        write_sheets(path, [frame_sheet(segments_frame(segments), "Coded segments", index=False)], excel=bom)
    return SegmentsExport(
        path, len(segments), len({s.code_key for s in segments}), len({s.source for s in segments}),
        len({s.participant for s in segments if s.participant}), warnings,
    )


def segments_frame(segments: Sequence[RetrievedSegment]) -> pd.DataFrame:
    """One row per segment, the columns of :data:`COLUMNS`."""
    import pandas as pd

    rows = [
        (s.code_key, s.code_name, s.source, s.kind, s.participant, s.speaker,
         format_timestamp(s.time_ms) if s.time_ms is not None else None, s.start, s.end, s.coder, s.text, s.memo)
        for s in segments
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


@dataclass(frozen=True)
class Passage:
    """One stretch of text under one code, with every coder who coded exactly it."""

    segment: RetrievedSegment  # the first coder's coding (the text, who spoke, where)
    coders: tuple[str, ...]
    memos: tuple[tuple[str, str], ...]  # (coder, memo) of the codings that have one


def passages(group: Sequence[RetrievedSegment]) -> list[Passage]:
    """``group`` (one code's segments, sorted) with identical spans of several coders merged, first seen first."""
    merged: dict[tuple[str, int, int], list[RetrievedSegment]] = {}
    for segment in group:
        merged.setdefault((segment.source, segment.start, segment.end), []).append(segment)
    return [
        Passage(same[0], tuple(dict.fromkeys(s.coder for s in same)), tuple((s.coder, s.memo) for s in same if s.memo))
        for same in merged.values()
    ]


def attribution(segment: RetrievedSegment, coders: Sequence[str] = ()) -> str:
    """``(P03 · P03-interview · 00:12:04)``: who (participant, else speaker label), where, when, and by whom."""
    parts = [segment.participant or segment.speaker, segment.source]
    if segment.time_ms is not None:
        parts.append(format_timestamp(segment.time_ms))
    if coders:
        parts.append(f"coded by {', '.join(coders)}")
    return "(" + " · ".join(p for p in parts if p) + ")"


def build_document(segments: Sequence[RetrievedSegment], codes: Sequence[CodeInfo], query: SegmentQuery,
                   languages: Mapping[str, str] | None = None, warnings: Sequence[str] = ()) -> Any:
    document = word.new_document("Coded segments")
    word.styled_paragraph(document, "Title", "Coded segments")
    document.add_paragraph(_methods(segments, codes, query) + "".join(f" Not finished: {w}." for w in warnings))
    by_key = {code.key: code for code in codes}
    coders = {s.coder for s in segments}
    groups: dict[str, list[RetrievedSegment]] = {}
    for segment in segments:
        groups.setdefault(segment.code_key, []).append(segment)
    for key, group in groups.items():
        code = by_key.get(key)
        title = word.heading(document, code.path if code else key, 1)
        word.add_run(title, f"  {key}", size=9, grey=True)
        people = {s.participant for s in group if s.participant}
        merged = passages(group)
        counts = document.add_paragraph()
        word.add_run(counts, f"{len(merged)} segment{'s' * (len(merged) != 1)}", bold=True)
        if len(merged) != len(group):
            word.add_run(counts, f" ({len(group)} codings)")
        sources = len({s.source for s in group})
        word.add_run(counts, f" · {sources} source{'s' * (sources != 1)} · {len(people)} participant{'s' * (len(people) != 1)}")
        counts.paragraph_format.keep_with_next = True
        if code is not None and code.definition:
            definition = document.add_paragraph()
            word.add_run(definition, code.definition, italic=True)
            definition.paragraph_format.keep_with_next = True
        for passage in merged:
            quote = word.styled_paragraph(document, "Quote")
            segment = passage.segment
            quote.add_run(quoted(" ".join(segment.text.split()), (languages or {}).get(segment.source)) + " ")
            word.add_run(quote, attribution(segment, passage.coders if len(coders) > 1 else ()), size=9, grey=True)
            for coder, text in passage.memos:
                memo = document.add_paragraph()
                word.add_run(memo, f"Memo ({coder}): " if len(passage.coders) > 1 else "Memo: ", bold=True, size=9)
                word.add_run(memo, text, italic=True, size=9)
    return document


def _methods(segments: Sequence[RetrievedSegment], codes: Sequence[CodeInfo], query: SegmentQuery) -> str:
    sources = len({s.source for s in segments})
    people = len({s.participant for s in segments if s.participant})
    coders = sorted({s.coder for s in segments})
    distinct = len({(s.code_key, s.source, s.start, s.end) for s in segments})  # as printed: alike codings once
    codings = f" ({len(segments)} codings)" if distinct != len(segments) else ""
    names = {code.key: code.name for code in codes}
    if query.codes:
        picked = ", ".join(names.get(key, key) for key in query.codes)
        scope = f"codes: {picked}" + (" (with their sub-codes)" if query.include_children else "")
    else:
        scope = "every code"
    filters = [f"{name} = {value if isinstance(value, str) else ' or '.join(sorted(value))}"
               for name, value in sorted((query.attribute_filter or {}).items())]
    if query.source_kinds:
        filters.append("kind = " + " or ".join(sorted(query.source_kinds)))
    line = (
        f"{distinct} coded segment{'s' * (distinct != 1)}{codings} from {sources} source{'s' * (sources != 1)} "
        f"and {people} participant{'s' * (people != 1)}; {scope}; coded by {', '.join(coders)}"
    )
    if filters:
        line += "; participants and sources where " + ", ".join(filters)
    return f"{line}. Exported by Thematic Workbench on {date.today().isoformat()}."
