"""Inter-coder agreement: coefficients (``metrics``) and span comparisons (``comparison``).

Pure domain code: imports neither Textual, SQLAlchemy nor pandas.
"""

from workbench.agreement.metrics import (
    LEVELS,
    Level,
    UndefinedMetric,
    bootstrap_ci,
    brennan_prediger_from_counts,
    brennan_prediger_kappa,
    cohen_kappa,
    explain_undefined,
    fleiss_kappa,
    gwet_ac1,
    kappa_from_counts,
    krippendorff_alpha,
    percent_agreement,
    percent_from_counts,
)

__all__ = [
    "LEVELS",
    "Level",
    "UndefinedMetric",
    "bootstrap_ci",
    "brennan_prediger_from_counts",
    "brennan_prediger_kappa",
    "cohen_kappa",
    "explain_undefined",
    "fleiss_kappa",
    "gwet_ac1",
    "kappa_from_counts",
    "krippendorff_alpha",
    "percent_agreement",
    "percent_from_counts",
]
