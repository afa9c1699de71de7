"""An agreement report as a CSV table or a Word document (.docx via python-docx); its JSON form is
:meth:`AgreementReport.as_json <workbench.services.agreement.report.AgreementReport.as_json>`. The CSV is
long: one row per code and source, then per code its summaries over sources
(``(pooled)``, and at the character level ``(mean)`` and ``(weighted mean)``),
then ``(all codes)`` rows. The .docx has the method notes, the per-code table
(worst first), the per-source tables and the unmatched codings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.agreement import format as fmt
from workbench.atomic import write_bytes, write_text
from workbench.errors import WorkbenchError
from workbench.services.agreement.report import AgreementReport

FORMATS = (".csv", ".docx")
CSV_COLUMNS = (
    "code", "name", "source", "unit", "size", "both", "first_only", "second_only", "neither", "mixed",
    "kappa", "kappa_ci_low", "kappa_ci_high", "percent_agreement", "alpha", "alpha_ci_low", "alpha_ci_high",
    "matched_percent", "note",
)  # fmt: skip


# --- CSV ------------------------------------------------------------------------------------


def _csv_rows(report: AgreementReport) -> list[list[str]]:
    rows: list[list[str]] = []
    for code in report.codes:
        for s in code.sources:
            rows.append([code.code, code.name, s.source, report.unit, fmt.raw(s.size), fmt.raw(s.both), fmt.raw(s.first_only),
                         fmt.raw(s.second_only), fmt.raw(s.neither), fmt.raw(s.mixed), fmt.raw(s.kappa), "", "",
                         fmt.raw(s.percent), "", "", "", "", s.kappa_undefined or ""])  # fmt: skip
        table = code.table
        counts = [fmt.raw(table.total), *(fmt.raw(x) for x in table.counts[:3]), fmt.raw(table.neither),
                  fmt.raw(table.first_only + table.second_only)] if table else [""] * 6  # fmt: skip
        low, high = code.kappa_ci or (None, None)
        alow, ahigh = code.alpha_ci or (None, None)
        rows.append([code.code, code.name, "(pooled)", report.unit, *counts, fmt.raw(code.kappa), fmt.raw(low),
                     fmt.raw(high), fmt.raw(code.percent), fmt.raw(code.alpha), fmt.raw(alow), fmt.raw(ahigh),
                     fmt.raw(code.matched_percent), code.kappa_basis])  # fmt: skip
        if report.unit == "character":
            for label, kappa, percent in (("(mean)", code.kappa_mean, code.percent_mean),
                                          ("(weighted mean)", code.kappa_weighted, code.percent_weighted)):
                note = f"{code.undefined_sources} source(s) with undefined kappa"
                rows.append([code.code, code.name, label, report.unit, *[""] * 6, fmt.raw(kappa), "", "",
                             fmt.raw(percent), "", "", "", "", note])  # fmt: skip
    overall = report.overall
    low, high = overall.kappa_ci or (None, None)
    alow, ahigh = overall.alpha_ci or (None, None)
    rows.append(["(all codes)", "", "(pooled)", report.unit, *[""] * 6, fmt.raw(overall.kappa), fmt.raw(low), fmt.raw(high),
                 fmt.raw(overall.percent), fmt.raw(overall.alpha), fmt.raw(alow), fmt.raw(ahigh),
                 fmt.raw(overall.matching_percent), overall.basis])  # fmt: skip
    rows.append(["(all codes)", "", "(mean over codes)", report.unit, *[""] * 6, fmt.raw(overall.mean_kappa), "", "",
                 fmt.raw(overall.mean_percent), fmt.raw(overall.mean_alpha), "", "", "", ""])  # fmt: skip
    return rows


def agreement_csv(report: AgreementReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(report))
    return buffer.getvalue()


# --- Word -------------------------------------------------------------------------------------


def _table(document, header: list[str], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def agreement_docx(report: AgreementReport) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Inter-coder agreement", level=1)
    document.add_paragraph(
        f"Coders: {', '.join(report.coders)}. Unit: {report.unit}. "
        f"Sources compared ({len(report.sources)}): {', '.join(report.sources)}."
        + (f" Not double-coded, left out: {', '.join(report.skipped_sources)}." if report.skipped_sources else "")
    )
    for note in report.notes:
        document.add_paragraph(note, style="List Bullet")
    o = report.overall
    document.add_paragraph(
        f"Overall ({o.basis}): kappa {fmt.with_interval(o.kappa, o.kappa_ci)}, agreement {fmt.percent(o.percent)}%, "
        f"alpha {fmt.coefficient(o.alpha)}; mean over codes: kappa {fmt.coefficient(o.mean_kappa)}, alpha {fmt.coefficient(o.mean_alpha)}."
        + (f" Segment matching at {report.overlap:.0%} overlap: {fmt.percent(o.matching_percent)}% of codings matched, "
           f"kappa_n {fmt.coefficient(o.matching_kappa_n)} over {o.matching_codes} codes." if o.matching_codes is not None else "")
    )  # fmt: skip
    document.add_heading("Per code (worst first)", level=2)
    header = ["Code", "Kappa [CI]", "Agreement %", "Alpha"]
    header += ["Kappa mean / weighted"] if report.unit == "character" else []
    header += ["Matched %"] if len(report.coders) == 2 else []
    rows = []
    for c in report.codes:
        row = [f"{c.name} ({c.code})", fmt.with_interval(c.kappa, c.kappa_ci), fmt.percent(c.percent), fmt.coefficient(c.alpha)]
        row += [f"{fmt.coefficient(c.kappa_mean)} / {fmt.coefficient(c.kappa_weighted)}"] if report.unit == "character" else []
        row += [fmt.percent(c.matched_percent)] if len(report.coders) == 2 else []
        rows.append(row)
    _table(document, header, rows)
    document.add_heading("Per code and source", level=2)
    document.add_paragraph("Sources where neither coder used a code are left out (agreement 100%, kappa undefined).")
    two = len(report.coders) == 2
    header = ["Code", "Source", "Both", *(["First only", "Second only"] if two else ["Some"]), "Neither", "Kappa", "%"]
    rows = [
        [c.code, s.source, str(s.both), *([str(s.first_only), str(s.second_only)] if two else [str(s.mixed)]),
         str(s.neither), fmt.coefficient(s.kappa) if s.kappa is not None else f"– ({s.kappa_undefined})", fmt.percent(s.percent)]
        for c in report.codes for s in c.sources if s.both or s.mixed
    ]  # fmt: skip
    _table(document, header, rows)
    unmatched = [(c, u) for c in report.codes for u in c.unmatched]
    if unmatched:
        document.add_heading(f"Unmatched codings (overlap below {report.overlap:.0%})", level=2)
        _table(document, ["Code", "Coder", "Source", "Start–end", "Best overlap"],
               [[c.code, u.coder, u.source, f"{u.start}–{u.end}", f"{u.best_overlap:.0%}"] for c, u in unmatched])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def check_format(path: Path) -> str:
    """The suffix of an agreement export, or a one-line error."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(f"{path}: write the agreement report as .csv or .docx, not {suffix or 'no suffix'!r}")
    return suffix


def export_agreement(report: AgreementReport, path: Path) -> str:
    """Write the report as .csv or .docx (by the file's suffix); returns the format written."""
    if check_format(path) == ".csv":
        write_text(path, agreement_csv(report))
        return "csv"
    write_bytes(path, agreement_docx(report))
    return "docx"

