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
        from workbench.services.export.agreement import report_json

        return report_json(self)
