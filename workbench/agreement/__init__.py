"""Inter-coder agreement: coefficients (``metrics``) and span comparisons (``comparison``).

Coefficients on reliability data are in ``metrics`` (the data itself in
``reliability``, the None-with-a-reason convention in ``undefined``); 2x2
tables of counts in ``counts``; intervals in ``bootstrap``. The span
comparisons are ``characters``, ``segments`` and ``matching``, gathered in
``comparison``.

Pure domain code: imports neither Textual, SQLAlchemy nor pandas.
"""

from workbench.agreement.bootstrap import bootstrap_ci
from workbench.agreement.counts import brennan_prediger_from_counts, kappa_from_counts, percent_from_counts
from workbench.agreement.metrics import (
    LEVELS,
    Level,
    brennan_prediger_kappa,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.agreement.undefined import UndefinedMetric, explain_undefined

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
