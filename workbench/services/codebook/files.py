"""Loading a codebook file of any kind we read: YAML (ours) or a codebook CSV (Taguette's layout).

The one entry point for "load this codebook file", above both formats so neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from workbench.services.codebook.codes import LoadReport, load_yaml_codebook
from workbench.store.engine import Project


def load_codebook(project: Project, path: Path, separator: str = "/") -> LoadReport:
    """Merge a YAML codebook, or a codebook CSV (Taguette's layout; see :mod:`workbench.interop.taguette_csv`)."""
    if path.suffix.lower() == ".csv":
        from workbench.interop.taguette_csv import load_codebook_csv

        return load_codebook_csv(project, path, separator)
    return load_yaml_codebook(project, path)
