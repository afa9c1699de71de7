"""An agreement report as a CSV table or a Word document (.docx via python-docx); its JSON form is
:meth:`AgreementReport.as_json <workbench.services.agreement.report.AgreementReport.as_json>`. The CSV is
long: one row per code and source, then per code its summaries over sources
(``(pooled)``, and at the character level ``(mean)`` and ``(weighted mean)``),
then ``(all codes)`` rows. The .docx has the method notes, the per-code table
(worst first), the per-source tables and the unmatched codings.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.agreement import format as fmt
from workbench.atomic import write_bytes, write_text
from workbench.errors import WorkbenchError
from workbench.services.agreement.report import AgreementReport
from workbench.services.export.sheets import csv_text

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
    return csv_text(CSV_COLUMNS, _csv_rows(report))


# --- Word -------------------------------------------------------------------------------------


def agreement_docx(report: AgreementReport, texts: Mapping[str, str] | None = None, style: Any = None) -> bytes:
    """The Word report (see :mod:`workbench.services.export.agreement_word`) as bytes."""
    from workbench.services.export.agreement_word import agreement_document

    buffer = io.BytesIO()
    agreement_document(report, texts, style).save(buffer)
    return buffer.getvalue()


def check_format(path: Path) -> str:
    """The suffix of an agreement export, or a one-line error."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise WorkbenchError(f"{path}: write the agreement report as .csv or .docx, not {suffix or 'no suffix'!r}")
    return suffix


def export_agreement(report: AgreementReport, path: Path, texts: Mapping[str, str] | None = None, *,
                     style: Any = None, excel: bool = False) -> str:
    """Write the report as .csv (``excel``: with a byte-order mark) or .docx (by the file's suffix; ``texts``:
    source name → stored text, to print the unmatched codings' text); returns the format written."""
    if check_format(path) == ".csv":
        write_text(path, ("\ufeff" if excel else "") + agreement_csv(report))
        return "csv"
    write_bytes(path, agreement_docx(report, texts, style))
    return "docx"


def source_texts(project: Any, names: Sequence[str]) -> dict[str, str]:
    """Source name → stored text, for the unmatched codings of the Word report."""
    from sqlalchemy import select

    from workbench.store.models import Source

    with project.session() as session:
        return dict(session.execute(select(Source.name, Source.text).where(Source.name.in_(list(names)))).all())
