"""REFI-QDA exchange: codebooks (``.qdc``) and whole projects (``.qdpx``/``.qde``), both ways.

* :func:`workbench.interop.qdc_import.import_codebook` and
  :func:`workbench.interop.qdpx_import.import_project` read files written by
  NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette and others, in one transaction
  each, and return a :class:`workbench.interop.report.RefiImportReport`;
  :func:`import_refi` picks one by the file's suffix.
* :func:`workbench.interop.qdc_export.export_codebook` and
  :func:`workbench.interop.qdpx_export.export_project` write strict files
  (exact ``urn:QDA-XML:…:1.0`` namespaces, ``project.qde`` + ``sources/``,
  UTF-8 without BOM, ``\\n`` line ends, code-point offsets, ``#RRGGBB``).

Layers: :mod:`.xml` (safe parsing, element helpers), :mod:`.container`
(zip/folder safety), :mod:`.positions` (character units), :mod:`.guids`
(GUID normalisation and stability) are below the importers and exporters.
Nothing here imports Textual; lxml is imported by the modules that parse or
write XML, not by this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.interop.report import RefiImportReport
    from workbench.services.importing.texts import ImportOptions
    from workbench.store.engine import Project

REFI_SUFFIXES = frozenset({".qdc", ".qdpx", ".qde"})


def is_refi_path(path: Path) -> bool:
    return path.suffix.lower() in REFI_SUFFIXES


def import_refi(project: Project, path: Path, options: ImportOptions | None = None) -> RefiImportReport:
    """Import a ``.qdc`` codebook or a ``.qdpx``/``.qde`` project into ``project`` (one transaction)."""
    if path.suffix.lower() == ".qdc":
        from workbench.interop.qdc_import import import_codebook

        return import_codebook(project, path)
    from workbench.interop.qdpx_import import import_project

    return import_project(project, path, options)
