"""The bundled demo study: built once from the shipped files, then reused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from workbench.errors import WorkbenchError
from workbench.resources import bundled
from workbench.services.codebook.codes import load_codebook
from workbench.services.coding.codings import import_codings_csv
from workbench.services.importing.batch import import_paths
from workbench.store.engine import Project
from workbench.store.models import Source

DEMO_CODEBOOK = "working-alliance.yaml"


def default_demo_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("thematic-workbench", appauthor=False) / "demo" / "demo.db"


@dataclass(frozen=True)
class DemoBuild:
    built: bool
    messages: list[str]


def build_demo(project: Project) -> DemoBuild:
    """Fill an empty project with the demo study; a project that has sources is left as it is."""
    with project.session() as session:
        if session.scalar(select(func.count()).select_from(Source)):
            return DemoBuild(False, ["demo project already built; opening it as it is"])
    transcripts = bundled("transcripts")
    messages: list[str] = []
    codebook = load_codebook(project, bundled("codebooks") / DEMO_CODEBOOK)
    messages.append(f"codebook {codebook.codebook!r}: {len(codebook.added)} codes")
    attributes = transcripts / "participants.csv"
    folders = [p for p in (transcripts / "interviews", transcripts / "focus-groups") if p.is_dir()]
    report = import_paths(project, folders, attributes=attributes if attributes.exists() else None)
    if report.failed:
        raise WorkbenchError("the demo transcripts failed to import: " + "; ".join(r.message for r in report.failed))
    messages.append(f"imported {len(report.imported)} transcripts")
    for csv_path in sorted((transcripts / "codings").glob("*.csv")):
        result = import_codings_csv(project, csv_path, default_coder=csv_path.stem, create_missing=True)
        messages.append(f"codings of {', '.join(result.coders)}: {result.imported}")
    if (transcripts / "themes.yaml").exists():
        from workbench.services.themes.theme_map import load_theme_map

        themes = load_theme_map(project, transcripts / "themes.yaml")
        messages.append(f"theme map: {len(themes.added)} themes in {themes.categories} categories, {themes.exemplars} exemplars")
    return DemoBuild(True, messages)
