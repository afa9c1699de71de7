"""The themes as a Word document: the paired summary table researchers publish, then each theme with quotes.

Layout: a landscape section with the summary table (category, then for each
theme type — facilitator, barrier, ... — the theme, its dimensions and its
participants n), its caption and a methods note; then a portrait section with
one part per theme: label, name, type, category, description, codes,
dimensions, participants and sources, and up to N exemplar quotes. Every
count and every quote comes from the layer named (one coder's codings or the
consensus layer): pinned exemplars the layer does not code are left out and
reported, and quotes are chosen as :mod:`workbench.services.export.theme_quotes`
says. A quote is attributed like ``(P03)``; pinned ones are marked
:data:`PINNED_MARK`; ``[...]`` marks where it was trimmed. An unfinished
consensus is named in the warnings and in the note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workbench.domain.languages import check_language, quoted
from workbench.errors import WorkbenchError
from workbench.services.agreement.progress import consensus_warning
from workbench.services.export import word
from workbench.services.export.theme_quotes import MIN_WORDS, Pinned, pick_quotes
from workbench.services.themes.edit import ThemeInfo, ensure_typology
from workbench.services.themes.rollups import (
    Layer,
    ThemeData,
    participant_at,
    participants_by_source,
    read_theme_data,
    resolve_layer,
)
from workbench.store.engine import Project
from workbench.store.models import Adjudication, Code, Codebook, Coder, Coding, Exemplar, Source, ThemeCategory

PINNED_MARK = "†"
MAX_QUOTE_CHARS = 600
TRIM = "[...]"
SENTENCE_ENDS = (".", "?", "!", "…")
SENTENCE_BREAKS = (*SENTENCE_ENDS, "\n", ":")  # before a quote's start: a new sentence (or a turn after its label)
KIND_PLURALS = {"interview": ("interview", "interviews"), "focus-group": ("focus group", "focus groups")}


@dataclass(frozen=True)
class Quote:
    text: str  # as printed, with [...] where trimmed
    participant: str | None
    source: str
    starred: bool  # pinned by the analyst (else chosen automatically)
    start: int = 0  # the passage quoted, in the source's text
    end: int = 0
    language: str = "en"  # whose quote marks it is printed in: the source's, or the style's


@dataclass(frozen=True)
class ThemeReport:
    theme: ThemeInfo
    codings: int
    sources: int
    participants: int
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class ThemesReport:
    """Everything the document shows, read in one transaction (testable without Word)."""

    title: str
    layer: Layer
    layer_phrase: str  # "coded by ana" / "the consensus layer of ana and ben"
    types: list[tuple[str, str]]  # (name, prefix) of the types that have themes, in typology order
    categories: list[tuple[str | None, str | None]]  # (name, description); None = themes without a category
    themes: list[ThemeReport]
    dimension_names: dict[str, str]
    participants: int
    sources: int
    methods: str
    warnings: tuple[str, ...] = ()  # for stderr / a notification: pinned exemplars left out, an unfinished consensus
    quotes_asked: int = 3


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    themes: int
    quotes: int
    layer: str
    warnings: tuple[str, ...] = ()


def write_themes_docx(project: Project, path: Path, coder: str | None = None, consensus: bool = False, quotes: int = 3,
                      figure: bool = False, style: str | None = None, quote_marks: str | None = None) -> ExportSummary:
    """Write the themes document (``figure``: with the thematic map at the end); nothing is written when anything fails.

    Quotes are in the quote marks of their source's language; a publication style chosen (``style``, or the
    project's) puts its own instead, and ``quote_marks`` (a language code) one language's for all."""
    word.check_output(path, (".docx",))
    report = themes_report(project, coder, consensus, quotes, quote_marks)
    if not report.themes:
        raise WorkbenchError("no themes in this project yet; create them in the Themes screen or run 'workbench themes load FILE'")
    document = build_document(report)
    if figure:
        from workbench.services.paper.thematic_map import add_map_figure

        add_map_figure(document, project, report.layer.name, report.layer.consensus, report.layer_phrase)
    from workbench.services.paper.styles import resolve_style, restyle, style_chosen

    restyle(document, resolve_style(project, style), marks=quote_marks is None and style_chosen(project, style))
    word.save_docx(document, path)
    return ExportSummary(path, len(report.themes), sum(len(t.quotes) for t in report.themes), report.layer.name,
                         report.warnings)


def themes_report(project: Project, coder: str | None = None, consensus: bool = False, quotes: int = 3,
                  quote_marks: str | None = None) -> ThemesReport:
    """Every count and every quote from one layer (see :mod:`workbench.services.export.theme_quotes`)."""
    if quotes < 0:
        raise WorkbenchError(f"--quotes must be 0 or more, not {quotes}")
    forced = check_language(quote_marks, "--quote-marks") if quote_marks is not None else None
    with project.session() as session:
        layer = resolve_layer(session, coder, consensus)
        data = read_theme_data(session, layer)
        texts = dict(session.execute(select(Source.id, Source.text)).all())
        names = dict(session.execute(select(Source.id, Source.name)).all())
        languages = {source_id: forced or code for source_id, code in session.execute(select(Source.id, Source.language))}
        speakers = participants_by_source(session, texts)
        pinned = [
            Pinned(ex.theme_id, c.source_id, c.start if ex.start is None else ex.start,
                   c.end if ex.end is None else ex.end, c.start, c.end)
            for ex, c in session.execute(
                select(Exemplar, Coding).join(Coding, Coding.id == Exemplar.coding_id).order_by(Exemplar.position, Exemplar.id)
            )
        ]  # fmt: skip
        typology = [(t.name, t.prefix) for t in ensure_typology(session)]
        categories: list[tuple[str | None, str | None]] = [
            (c.name, c.description)
            for c in session.scalars(select(ThemeCategory).order_by(ThemeCategory.position, ThemeCategory.id))
        ]
        methods, phrase, book = _methods(session, layer, data)
        unfinished = consensus_warning(session, layer.name) if layer.consensus else None
    used = {t.type for t in data.themes}
    groups = data.by_theme()
    picked, left_out = pick_quotes(
        data.themes, groups, pinned, quotes,
        meaningful=lambda source, start, end: _meaningful(texts[source], start, end),
        participant_at=lambda source, position: participant_at(speakers.get(source), position),
    )  # fmt: skip
    reports = []
    for theme in data.themes:
        mine = groups[theme.id]
        printed = tuple(
            Quote(
                quote_text(texts[q.source_id], q.start, q.end, q.trimmed_start, q.trimmed_end, limit=None if q.pinned else MAX_QUOTE_CHARS),
                q.participant, names[q.source_id], q.pinned, q.start, q.end, languages[q.source_id],
            )
            for q in picked[theme.id]
        )  # fmt: skip
        reports.append(ThemeReport(
            theme, len(mine), len({c.source_id for c in mine}), len({c.participant for c in mine if c.participant}), printed
        ))
    if any(t.category is None for t in data.themes):
        categories.append((None, None))
    warnings = [f"pinned exemplar of {o.theme} in {names[o.source_id]} at {o.start}-{o.end} left out: "
                f"not coded {'in the ' + phrase if layer.consensus else 'by ' + layer.name}" for o in left_out]  # fmt: skip
    notes = []
    if quotes and any(q.starred for t in reports for q in t.quotes):
        notes.append(f"Quotes marked {PINNED_MARK} were pinned by the analyst; the others were chosen automatically "
                     "(passages coded with the theme's own codes first; never one printed under a theme of another type or coded as evidence for one).")  # fmt: skip
    if left_out:
        where = ", ".join(f"{theme} ({n})" for theme, n in _count_by(o.theme for o in left_out))
        notes.append(f"{len(left_out)} pinned exemplar quote{'s' if len(left_out) != 1 else ''} that this layer does not "
                     f"code {'were' if len(left_out) != 1 else 'was'} left out: {where}.")  # fmt: skip
    if unfinished:
        warnings.insert(0, unfinished)
        notes.append(f"The consensus is not finished ({unfinished}).")
    title = f"Themes: {book}" if book else "Themes"
    return ThemesReport(
        title, layer, phrase, [t for t in typology if t[0] in used], categories, reports,
        {d.key: d.name for d in data.dimensions}, len(data.participants), sum(data.kinds.values()),
        " ".join([methods, *notes]), tuple(warnings), quotes,
    )


def _count_by(items: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return list(counts.items())


def quote_text(text: str, start: int, end: int, trimmed_start: bool = False, trimmed_end: bool = False,
               limit: int | None = MAX_QUOTE_CHARS) -> str:
    """A quote as printed: white space collapsed, ``[...]`` where trimmed; over ``limit`` characters
    it is cut at a sentence (starred exemplars are printed as the analyst trimmed them). ``[...]`` marks
    only words left out of a sentence: a quote that starts or ends on a sentence boundary has none there."""
    quote = " ".join(text[start:end].split())
    if limit is not None and len(quote) > limit:
        cut = max(quote.rfind(mark, 0, limit) for mark in (". ", "? ", "! ", "; "))
        quote = quote[: cut + 1] if cut > limit // 3 else quote[: quote.rfind(" ", 0, limit)]
        trimmed_end = True
    trimmed_start = trimmed_start and _before(text, start) not in ("", *SENTENCE_BREAKS)
    trimmed_end = trimmed_end and not quote.rstrip("”’\"')").endswith(SENTENCE_ENDS)
    return f"{TRIM + ' ' if trimmed_start else ''}{quote}{' ' + TRIM if trimmed_end else ''}"


# The document ---------------------------------------------------------------------


def build_document(report: ThemesReport) -> Any:
    from docx.enum.section import WD_SECTION

    document = word.new_document(report.title)
    section = document.sections[0]
    columns = 1 + 3 * len(report.types)
    word.set_landscape(section, columns > 5)
    word.heading(document, report.title, 1)
    kinds = [name + "s" for name, _ in report.types]
    listed = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "".join(kinds) or "themes"
    word.add_caption(document, f"{listed.capitalize()} by category ({report.layer_phrase})")
    _summary_table(document, report, section)
    note = document.add_paragraph()
    word.pad(note, 4)
    word.add_run(note, "Note. ", italic=True, size=9)
    word.add_run(note, report.methods, size=9)
    detail = document.add_section(WD_SECTION.NEW_PAGE)
    word.set_landscape(detail, False)
    word.heading(document, "The themes", 1)
    for name, description in report.categories:
        members = [t for t in report.themes if t.theme.category == name]
        if not members:
            continue
        word.heading(document, name or "Themes without a category", 2)
        if description:
            paragraph = document.add_paragraph()
            word.add_run(paragraph, description, italic=True)
            paragraph.paragraph_format.keep_with_next = True
        for item in members:
            _theme_part(document, report, item)
    return document


def _summary_table(document: Any, report: ThemesReport, section: Any) -> None:
    headers = ["Category"]
    for name, _ in report.types:
        headers += [name.capitalize(), "Dimensions", "n"]
    table = word.add_table(document, headers, [3.2] + [5.0, 3.2, 1.0] * len(report.types), section)
    for category, _ in report.categories:
        members = [t for t in report.themes if t.theme.category == category]
        by_type = [[t for t in members if t.theme.type == type_name] for type_name, _ in report.types]
        rows = max((len(group) for group in by_type), default=0)
        first = None
        for index in range(rows):
            row = word.add_row(table)
            cells = row.cells
            if index == 0:
                first = cells[0]
                word.set_cell(cells[0], category or "(no category)", bold=True)
            for group_index, group in enumerate(by_type):
                theme_cell, dims_cell, n_cell = cells[1 + 3 * group_index : 4 + 3 * group_index]
                if index >= len(group):
                    word.set_cell(theme_cell, None)
                    continue
                item = group[index]
                paragraph = theme_cell.paragraphs[0]
                word.pad(paragraph)
                word.add_run(paragraph, item.theme.label + " ", bold=True, size=word.BODY_FONT_PT)
                word.add_run(paragraph, item.theme.name, size=word.BODY_FONT_PT)
                word.set_cell(dims_cell, ", ".join(report.dimension_names.get(d, d) for d in item.theme.dimensions))
                word.set_cell(n_cell, str(item.participants))
        if rows > 1 and first is not None:
            first.merge(table.rows[-1].cells[0])


def _theme_part(document: Any, report: ThemesReport, item: ThemeReport) -> None:
    theme = item.theme
    word.heading(document, f"{theme.label} {theme.name}", 3)
    kind = document.add_paragraph()
    word.add_run(kind, theme.type.capitalize() + (f" · {theme.category}" if theme.category else ""), grey=True)
    description = document.add_paragraph(theme.description) if theme.description else None
    codes = document.add_paragraph()
    word.add_run(codes, "Codes: ", bold=True)
    if not theme.codes:
        word.add_run(codes, "none assigned yet")
    for index, (key, name) in enumerate(zip(theme.codes, theme.code_names)):
        word.add_run(codes, ("; " if index else "") + name)
        word.add_run(codes, f" ({key})", grey=True)
    dims = document.add_paragraph()
    word.add_run(dims, "Dimensions: ", bold=True)
    word.add_run(dims, ", ".join(report.dimension_names.get(d, d) for d in theme.dimensions) or "none")
    if theme.overridden:
        word.add_run(dims, " (set by the analyst)", grey=True)
    counts = document.add_paragraph()
    word.add_run(counts, "Participants: ", bold=True)
    word.add_run(counts, f"{item.participants} of {report.participants}")
    word.add_run(counts, " · Sources: ", bold=True)
    word.add_run(counts, f"{item.sources} of {report.sources}")
    word.add_run(counts, " · Codings: ", bold=True)
    word.add_run(counts, str(item.codings))
    for paragraph in (kind, description, codes, dims, counts):
        if paragraph is not None:
            paragraph.paragraph_format.keep_with_next = True  # the theme's header stays with its first quote
    if not item.quotes and report.quotes_asked:
        word.add_run(document.add_paragraph(), f"No coded segments for this theme ({report.layer_phrase}).", italic=True)
    for quote in item.quotes:
        paragraph = word.styled_paragraph(document, "Quote")
        paragraph.add_run(quoted(quote.text, quote.language))
        paragraph.add_run(f" ({quote.participant or quote.source})")
        if quote.starred:
            word.add_run(paragraph, f" {PINNED_MARK}", grey=True)


def _methods(session: Any, layer: Layer, data: ThemeData) -> tuple[str, str, str | None]:
    kinds = ", ".join(
        f"{n} {KIND_PLURALS.get(k, (k + ' source', k + ' sources'))[n != 1]}" for k, n in data.kinds.items()
    )
    total = sum(data.kinds.values())
    if layer.consensus:
        ids = set()
        for first, second in session.execute(
            select(Adjudication.first_coder_id, Adjudication.second_coder_id).where(Adjudication.consensus_coder_id == layer.coder_id)
        ):
            ids |= {first, second}
        names = sorted(session.scalars(select(Coder.name).where(Coder.id.in_(ids))))
        phrase = f"consensus of {' and '.join(names)}" if names else "consensus layer"
    else:
        phrase = f"coded by {layer.name}"
    book = session.scalar(select(Codebook.name).order_by(Codebook.id))
    codes = session.scalar(select(func.count()).select_from(Code)) or 0
    codebook = f" with the codebook “{book}” ({codes} codes)" if book else f" with {codes} codes"
    methods = (
        f"{len(data.themes)} themes from {total} source{'s' if total != 1 else ''} ({kinds}) with "
        f"{len(data.participants)} participants, {phrase}{codebook}. n = participants whose talk was coded to the "
        "theme; a participant heard in an interview and a focus group counts once."
    )
    return methods, phrase, book


def _before(text: str, position: int) -> str:
    """The last character before ``position`` that is not a space or tab ("" at the start of the text)."""
    index = position - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return text[index] if index >= 0 else ""


def _meaningful(text: str, start: int, end: int) -> bool:
    """At least :data:`MIN_WORDS` words (counted by spaces, without copying the text)."""
    return text.count(" ", start, end) >= MIN_WORDS - 1
