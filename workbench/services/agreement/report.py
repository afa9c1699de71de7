"""The frozen agreement report :func:`workbench.services.agreement.compute.compute_agreement` returns.

Counts are characters or units; kappa, alpha and their intervals are
proportions, percentages are 0-100; an interval is ``(low, high)`` or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.agreement.bootstrap import Interval
from workbench.agreement.counts import Table2x2


@dataclass(frozen=True)
class SourceAgreement:
    """One code in one source. Counts are characters or units; ``first_only``/``second_only`` for two coders only."""

    source: str
    size: int
    kappa: float | None
    kappa_undefined: str | None
    percent: float | None
    both: int
    first_only: int | None
    second_only: int | None
    neither: int
    mixed: int  # coded by some coders but not all (= first_only + second_only for two)


@dataclass(frozen=True)
class Unmatched:
    coder: str
    source: str
    start: int
    end: int
    best_overlap: float


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    name: str
    kappa: float | None
    kappa_kind: str  # "cohen" or "fleiss"
    kappa_basis: str
    kappa_ci: Interval
    kappa_undefined: str | None
    percent: float | None
    percent_ci: Interval
    alpha: float | None
    alpha_ci: Interval
    table: Table2x2 | None  # pooled counts (two coders)
    sources: tuple[SourceAgreement, ...]
    fleiss: float | None = None  # segment and turn levels
    kappa_mean: float | None = None  # character level: over sources
    kappa_weighted: float | None = None
    kappa_pooled: float | None = None
    percent_mean: float | None = None
    percent_weighted: float | None = None
    percent_pooled: float | None = None
    undefined_sources: int = 0
    matched: int | None = None  # segment matching (two coders)
    unmatched: tuple[Unmatched, ...] = ()
    matched_percent: float | None = None


@dataclass(frozen=True)
class OverallAgreement:
    kappa: float | None
    kappa_ci: Interval
    percent: float | None
    percent_ci: Interval
    alpha: float | None
    alpha_ci: Interval
    basis: str
    mean_kappa: float | None  # unweighted means over codes
    mean_alpha: float | None
    mean_percent: float | None
    matching_percent: float | None = None
    matching_kappa_n: float | None = None
    matching_codes: int | None = None


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    unit: str
    overlap: float
    min_share: float | None
    resamples: int
    seed: int | None
    confidence: float
    sources: tuple[str, ...]
    skipped_sources: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]  # worst kappa first; undefined last
    overall: OverallAgreement
    notes: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """What ``workbench agreement --json`` prints."""
        return report_json(self)


# --- JSON -----------------------------------------------------------------------------------


def _ci(interval: tuple[float, float] | None) -> list[float] | None:
    return list(interval) if interval is not None else None


def _sources_json(sources: tuple[SourceAgreement, ...], two: bool) -> list[dict[str, object]]:
    if two:
        return [
            {"source": s.source, "kappa": s.kappa, "kappa_undefined": s.kappa_undefined, "percent_agreement": s.percent,
             "both": s.both, "first_only": s.first_only, "second_only": s.second_only, "neither": s.neither,
             "size": s.size}
            for s in sources
        ]  # fmt: skip
    return [
        {"source": s.source, "kappa": s.kappa, "kappa_undefined": s.kappa_undefined, "percent_agreement": s.percent,
         "both": s.both, "mixed": s.mixed, "neither": s.neither, "size": s.size}
        for s in sources
    ]  # fmt: skip


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
    result["sources"] = _sources_json(code.sources, two)
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
