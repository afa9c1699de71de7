"""An agreement report as JSON, a CSV table, or a Word document (.docx via python-docx).

:func:`report_json` is what ``workbench agreement --json`` prints. The CSV is
long: one row per code and source, then per code its summaries over sources
(``(pooled)``, and at the character level ``(mean)`` and ``(weighted mean)``),
then ``(all codes)`` rows. The .docx has the method notes, the per-code table
(worst first), the per-source tables and the unmatched codings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.atomic import write_bytes, write_text
from workbench.errors import WorkbenchError
from workbench.services.agreement.report import AgreementReport, CodeAgreement, SourceAgreement
from workbench.services.export.sheets import safe_csv

FORMATS = (".csv", ".docx")
CSV_COLUMNS = (
    "code", "name", "source", "unit", "size", "both", "first_only", "second_only", "neither", "mixed",
    "kappa", "kappa_ci_low", "kappa_ci_high", "percent_agreement", "alpha", "alpha_ci_low", "alpha_ci_high",
    "matched_percent", "note",
)  # fmt: skip


def _ci(interval: tuple[float, float] | None) -> list[float] | None:
    return list(interval) if interval is not None else None


def _source_json(source: SourceAgreement, two: bool) -> dict[str, object]:
    counts: dict[str, object] = {"both": source.both}
    if two:
        counts |= {"first_only": source.first_only, "second_only": source.second_only}
    else:
        counts |= {"mixed": source.mixed}
    return {
        "source": source.source, "kappa": source.kappa, "kappa_undefined": source.kappa_undefined,
        "percent_agreement": source.percent, **counts, "neither": source.neither, "size": source.size,
    }  # fmt: skip


def _code_json(code: CodeAgreement, report: AgreementReport) -> dict[str, object]:
    two = len(report.coders) == 2
    result: dict[str, object] = {
        "code": code.code, "name": code.name,
        "kappa": code.kappa, "kappa_ci": _ci(code.kappa_ci), "kappa_kind": code.kappa_kind,
        "kappa_basis": code.kappa_basis, "kappa_undefined": code.kappa_undefined,
        "percent_agreement": code.percent, "percent_agreement_ci": _ci(code.percent_ci),
        "alpha": code.alpha, "alpha_ci": _ci(code.alpha_ci),
    }  # fmt: skip
    if report.unit == "character":
        result |= {
            "kappa_mean": code.kappa_mean, "kappa_weighted": code.kappa_weighted, "kappa_pooled": code.kappa_pooled,
            "percent_mean": code.percent_mean, "percent_weighted": code.percent_weighted,
            "percent_pooled": code.percent_pooled, "undefined_sources": code.undefined_sources,
        }  # fmt: skip
    else:
        result["fleiss_kappa"] = code.fleiss
    if code.table is not None:
        table = code.table
        result |= {"both": table.both, "first_only": table.first_only, "second_only": table.second_only,
                   "neither": table.neither}  # fmt: skip
    if two:
        result["matching"] = {
            "overlap": report.overlap, "matched": code.matched, "unmatched": len(code.unmatched),
            "percent": code.matched_percent,
            "unmatched_codings": [
                {"coder": u.coder, "source": u.source, "start": u.start, "end": u.end, "best_overlap": u.best_overlap}
                for u in code.unmatched
            ],
        }  # fmt: skip
    result["sources"] = [_source_json(s, two) for s in code.sources]
    return result


def report_json(report: AgreementReport) -> dict[str, object]:
    overall = report.overall
    resampled = "sentence blocks" if report.unit == "character" else f"{report.unit}s"
    return {
        "coders": list(report.coders),
        "unit": report.unit,
        "min_share": report.min_share,
        "overlap": report.overlap,
        "sources_compared": list(report.sources),
        "sources_skipped": list(report.skipped_sources),
        "bootstrap": {"resamples": report.resamples, "seed": report.seed, "confidence": report.confidence,
                      "resampled": resampled, "method": "percentile"},  # fmt: skip
        "notes": list(report.notes),
        "codes": [_code_json(code, report) for code in report.codes],
        "overall": {
            "kappa": overall.kappa, "kappa_ci": _ci(overall.kappa_ci),
            "percent_agreement": overall.percent, "percent_agreement_ci": _ci(overall.percent_ci),
            "alpha": overall.alpha, "alpha_ci": _ci(overall.alpha_ci), "basis": overall.basis,
            "mean_kappa": overall.mean_kappa, "mean_alpha": overall.mean_alpha,
            "mean_percent_agreement": overall.mean_percent,
            "matching": None if overall.matching_codes is None else {
                "overlap": report.overlap, "percent_observed": overall.matching_percent,
                "kappa_n": overall.matching_kappa_n, "codes_in_table": overall.matching_codes,
            },
        },  # fmt: skip
    }


# --- CSV ------------------------------------------------------------------------------------


def _num(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _csv_rows(report: AgreementReport) -> list[list[str]]:
    rows: list[list[str]] = []
    for code in report.codes:
        for s in code.sources:
            rows.append([code.code, code.name, s.source, report.unit, _num(s.size), _num(s.both), _num(s.first_only),
                         _num(s.second_only), _num(s.neither), _num(s.mixed), _num(s.kappa), "", "",
                         _num(s.percent), "", "", "", "", s.kappa_undefined or ""])  # fmt: skip
        table = code.table
        counts = [_num(table.total), *(_num(x) for x in table.counts[:3]), _num(table.neither),
                  _num(table.first_only + table.second_only)] if table else [""] * 6  # fmt: skip
        low, high = code.kappa_ci or (None, None)
        alow, ahigh = code.alpha_ci or (None, None)
        rows.append([code.code, code.name, "(pooled)", report.unit, *counts, _num(code.kappa), _num(low),
                     _num(high), _num(code.percent), _num(code.alpha), _num(alow), _num(ahigh),
                     _num(code.matched_percent), code.kappa_basis])  # fmt: skip
        if report.unit == "character":
            for label, kappa, percent in (("(mean)", code.kappa_mean, code.percent_mean),
                                          ("(weighted mean)", code.kappa_weighted, code.percent_weighted)):
                note = f"{code.undefined_sources} source(s) with undefined kappa"
                rows.append([code.code, code.name, label, report.unit, *[""] * 6, _num(kappa), "", "",
                             _num(percent), "", "", "", "", note])  # fmt: skip
    overall = report.overall
    low, high = overall.kappa_ci or (None, None)
    alow, ahigh = overall.alpha_ci or (None, None)
    rows.append(["(all codes)", "", "(pooled)", report.unit, *[""] * 6, _num(overall.kappa), _num(low), _num(high),
                 _num(overall.percent), _num(overall.alpha), _num(alow), _num(ahigh),
                 _num(overall.matching_percent), overall.basis])  # fmt: skip
    rows.append(["(all codes)", "", "(mean over codes)", report.unit, *[""] * 6, _num(overall.mean_kappa), "", "",
                 _num(overall.mean_percent), _num(overall.mean_alpha), "", "", "", ""])  # fmt: skip
    return rows


def agreement_csv(report: AgreementReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[safe_csv(v) for v in row] for row in _csv_rows(report)])
    return buffer.getvalue()


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
