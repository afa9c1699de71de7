"""The bundled demo study: built once from the shipped files, then reused.

Most transcripts are English; ``transcripts/interviews-da`` holds a Danish
interview, imported as Danish, so a newcomer sees a second language at work
(segments around "bl.a.", "f.eks.", "osv.", ``Deltager 12`` as P12, a search
for ``tillid`` finding "tilliden", quotes in »…« in the Word exports).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from workbench.errors import WorkbenchError
from workbench.resources import bundled
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.store.engine import Project
from workbench.store.models import Source

DEMO_CODEBOOK = "working-alliance.yaml"
DEMO_FOLDERS = {"interviews": None, "focus-groups": None, "interviews-da": "da"}  # folder → language (None: the project's)


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
    imported = 0
    for folder, language in DEMO_FOLDERS.items():
        if not (transcripts / folder).is_dir():
            continue
        report = import_paths(
            project, [transcripts / folder], ImportOptions(language=language),
            attributes=attributes if attributes.exists() and not imported else None,
        )
        if report.failed:
            raise WorkbenchError("the demo transcripts failed to import: " + "; ".join(r.message for r in report.failed))
        imported += len(report.imported)
    messages.append(f"imported {imported} transcripts")
    for csv_path in sorted((transcripts / "codings").glob("*.csv")):
        result = import_codings_csv(project, csv_path, default_coder=csv_path.stem, create_missing=True)
        messages.append(f"codings of {', '.join(result.coders)}: {result.imported}")
    if (transcripts / "themes.yaml").exists():
        from workbench.services.themes.theme_map import load_theme_map

        themes = load_theme_map(project, transcripts / "themes.yaml")
        messages.append(f"theme map: {len(themes.added)} themes in {themes.categories} categories, {themes.exemplars} exemplars")
    return DemoBuild(True, messages)
