"""Loading a codebook file of any kind we read: YAML (ours) or a codebook CSV (Taguette's layout).

The one entry point for "load this codebook file", above both formats so neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from workbench.collector import paused_gc
from workbench.domain.yaml_nodes import read_yaml_text
from workbench.services.codebook.codes import LoadReport, apply_codebook
from workbench.store.engine import Project
from workbench.store.values import from_file


def load_codebook(project: Project, path: Path, separator: str = "/") -> LoadReport:
    """Merge a YAML codebook, or a codebook CSV (Taguette's layout; see :mod:`workbench.interop.taguette_csv`)."""
    if path.suffix.lower() == ".csv":
        from workbench.interop.taguette_csv import load_codebook_csv

        return load_codebook_csv(project, path, separator)
    return load_yaml_codebook(project, path)


def load_yaml_codebook(project: Project, path: Path) -> LoadReport:
    """Merge a YAML codebook (one transaction); :func:`load_codebook` takes any codebook file."""
    from workbench.domain.codebook_yaml import parse_codebook  # PyYAML: only for a YAML file

    text = read_yaml_text(path, "codebook")
    with paused_gc():  # a large codebook is millions of live objects until it is stored
        spec = parse_codebook(text, str(path))
        del text
        with from_file(path), project.session() as session:
            return apply_codebook(session, spec.name, spec.description, spec.codes, str(path))
