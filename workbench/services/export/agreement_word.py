"""The agreement report as a Word document, in the journal layout of the other Word exports.

Each table has a numbered caption and a note under it; header rows repeat on
every page and rows never split across pages; the per-source table and the
unmatched codings sit in a landscape section with column widths that keep code
ids and source names whole. One number format throughout, the one every
agreement figure uses (:mod:`workbench.agreement.format`): kappa, alpha and
their confidence limits to 3 decimals (never -0.000), percentages to 1. The unmatched codings show the coded text, not only offsets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.agreement import format as fmt
from workbench.services.agreement.report import AgreementReport
from workbench.services.export import word

UNDEFINED = fmt.UNDEFINED
CHAR_IN = 0.075  # inches per character of 9 pt text, for column widths
MAX_TEXT = 300


def coefficient(value: float | None, digits: int = fmt.COEFFICIENT_DIGITS) -> str:
    """As everywhere else (:mod:`workbench.agreement.format`): 3 decimals, 1 for percentages, no −0.000."""
    return fmt.fixed(value, digits)


def interval(value: tuple[float, float] | None) -> str:
    return fmt.interval(value) or UNDEFINED


def agreement_document(report: AgreementReport, texts: Mapping[str, str] | None = None, style: Any = None) -> Any:
    from docx.enum.section import WD_SECTION

    from workbench.services.paper.styles import apply_style, caption

    document = word.new_document("Inter-coder agreement")
    chosen = apply_style(document, style)
    section = document.sections[0]
    word.heading(document, "Inter-coder agreement", 1)
    two = len(report.coders) == 2
    document.add_paragraph(word.clean(
        f"Coders: {', '.join(report.coders)}. Unit: {report.unit}. Sources compared ({len(report.sources)}): "
        f"{', '.join(report.sources)}."
        + (f" Not double-coded, left out: {', '.join(report.skipped_sources)}." if report.skipped_sources else "")
    ))
    for note in report.notes:
        document.add_paragraph(note, style="List Bullet")
    o = report.overall
    document.add_paragraph(
        f"Overall ({o.basis}): κ = {coefficient(o.kappa)} (95% CI {interval(o.kappa_ci)}), agreement "
        f"{coefficient(o.percent, 1)}%, α = {coefficient(o.alpha)} (95% CI {interval(o.alpha_ci)}); mean over codes: "
        f"κ = {coefficient(o.mean_kappa)}, α = {coefficient(o.mean_alpha)}."
        + (f" Segment matching at {report.overlap:.0%} overlap: {coefficient(o.matching_percent, 1)}% of codings matched, "
           f"κn = {coefficient(o.matching_kappa_n)} over {o.matching_codes} codes." if o.matching_codes is not None else "")
    )
    ci_note = (f"95% CI, percentile bootstrap ({report.resamples} resamples of "
               f"{'sentence blocks' if report.unit == 'character' else report.unit + 's'}, seed {report.seed})"
               if report.resamples else "no confidence intervals (no resamples)")

    # Table: per code
    word.heading(document, "Per code (worst first)", 2)
    caption(document, f"Agreement per code, {report.unit} level ({' and '.join(report.coders)}), worst first", chosen)
    headers = ["Code", "κ", "95% CI", "Agreement %", "α", "95% CI"]
    widths = [0.0, 0.72, 1.25, 0.8, 0.72, 1.25]  # inches; the code column gets the rest
    if report.unit == "character":
        headers += ["κ mean", "κ weighted"]
        widths += [0.62, 0.7]
    if two:
        headers += ["Matched %"]
        widths += [0.72]
    landscape = len(headers) > 7
    word.set_landscape(section, landscape)
    longest = max([len("Code"), *(len(f"({c.code})") for c in report.codes)])
    table = word.add_table(document, headers, _fit(section, longest * CHAR_IN + 0.25, widths[1:]), section)
    word.plain_first_column(table)
    for c in report.codes:
        values = [f"{c.name} ({c.code})", coefficient(c.kappa), interval(c.kappa_ci), coefficient(c.percent, 1),
                  coefficient(c.alpha), interval(c.alpha_ci)]
        if report.unit == "character":
            values += [coefficient(c.kappa_mean), coefficient(c.kappa_weighted)]
        if two:
            values += [coefficient(c.matched_percent, 1)]
        _row(table, values)
    kind = "Cohen's" if two else "Fleiss'"
    _note(document, f"κ, {kind} kappa ({'pooled over sources' if report.unit == 'character' else report.unit + 's'}); "
                    f"α, Krippendorff's alpha; {ci_note}; {UNDEFINED}, undefined (for example, neither coder used the code)."
                    + (" κ mean and κ weighted: unweighted and length-weighted means over sources." if report.unit == "character" else "")
                    + (f" Matched %, codings of one coder matched by the other's at {report.overlap:.0%} overlap (MAXQDA)." if two else ""))

    # Table: per code and source (landscape)
    detail = document.add_section(WD_SECTION.NEW_PAGE)
    word.set_landscape(detail, True)
    word.heading(document, "Per code and source", 2)
    caption(document, "Agreement per code and source", chosen)
    rows = [(c, s) for c in report.codes for s in c.sources if s.both or s.mixed]
    code_width = max([len("Code"), *(len(c.code) for c, _ in rows)]) * CHAR_IN + 0.2
    source_width = max([len("Source"), *(len(s.source) for _, s in rows)]) * CHAR_IN + 0.2
    counts = ["Both", *(["First only", "Second only"] if two else ["Some"]), "Neither"]
    headers = ["Code", "Source", *counts, "κ", "Agreement %"]
    table = word.add_table(document, headers, [code_width, source_width, *[0.9] * len(counts), 1.0, 1.0], detail)
    word.plain_first_column(table)
    for c, s in rows:
        _row(table, [c.code, s.source, f"{s.both:,}", *([f"{s.first_only:,}", f"{s.second_only:,}"] if two else [f"{s.mixed:,}"]),
                     f"{s.neither:,}", coefficient(s.kappa) if s.kappa is not None else f"{UNDEFINED} ({s.kappa_undefined})",
                     coefficient(s.percent, 1)])
    _note(document, f"Counts are {'characters' if report.unit == 'character' else report.unit + 's'}. Sources where neither "
                    "coder used a code are left out (agreement 100%, κ undefined).")

    unmatched = [(c, u) for c in report.codes for u in c.unmatched]
    if unmatched:
        word.heading(document, f"Unmatched codings (overlap below {report.overlap:.0%})", 2)
        caption(document, "Codings without a match in the other coder's codings", chosen)
        code_width = max([len("Code"), *(len(c.code) for c, _ in unmatched)]) * CHAR_IN + 0.2
        source_width = max([len("Source"), *(len(u.source) for _, u in unmatched)]) * CHAR_IN + 0.2
        table = word.add_table(document, ["Code", "Coder", "Source", "Start–end", "Best overlap", "Coded text"],
                               [code_width, 0.9, source_width, 1.1, 0.9, 5.0], detail)
        word.plain_first_column(table)
        for c, u in unmatched:
            text = (texts or {}).get(u.source)
            quote = " ".join(text[u.start : u.end].split()) if text is not None else ""
            if len(quote) > MAX_TEXT:
                quote = quote[: quote.rfind(" ", 0, MAX_TEXT)] + " [...]"
            _row(table, [c.code, u.coder, u.source, f"{u.start}–{u.end}", f"{u.best_overlap:.0%}", f"“{quote}”" if quote else None])
        _note(document, "Start–end: 0-based, end-exclusive character offsets into the stored text (workbench text SOURCE).")
    return document


def _fit(section: Any, first: float, rest: list[float]) -> list[float]:
    """Column widths in inches filling the text width: ``rest`` as given (they fit their numbers) and the first
    the remainder, which keeps ids whole when the page is wide enough; on a narrow page the rest shrink."""
    total = word.text_width(section) / 914400
    first = max(first, total - sum(rest)) if first <= total - sum(rest) else max(0.3 * total, total - sum(rest))
    scale = (total - first) / sum(rest)
    return [first, *(w * scale for w in rest)]


def _row(table: Any, values: Sequence[str | None]) -> None:
    for cell, value in zip(word.add_row(table).cells, values):
        word.set_cell(cell, value)


def _note(document: Any, text: str) -> None:
    note = document.add_paragraph()
    word.pad(note, 4)
    word.add_run(note, "Note. ", italic=True, size=9)
    word.add_run(note, text, size=9)
