"""Importing transcripts: one file, one transaction.

A file that cannot be read is reported with its name and reason and leaves
the project as it was; the rest of a batch goes on. Re-importing content
already in the project (same stored text) is skipped.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path

from sqlalchemy import select

from workbench.domain.languages import DEFAULT_LANGUAGE
from workbench.domain.layouts import LAYOUT_NAMES, describe_layouts, parse_layout
from workbench.domain.spans import without_leading_bom
from workbench.errors import InputError, UnreachableError, WorkbenchError
from workbench.services.importing.readers import SUPPORTED_SUFFIXES, read_transcript
from workbench.services.importing.texts import (  # noqa: F401 - also the import's public names
    ImportOptions,
    PreparedText,
    add_text_source,
    content_hash,
    guess_kind,
    prepare_text,
)
from workbench.services.project import participants as people
from workbench.store.engine import Project
from workbench.store.models import SOURCE_KINDS, Source

PARALLEL_MIN_BYTES = 2_000_000  # below this, starting a second process costs more than it saves
PARALLEL_WINDOW = 4  # files segmented ahead of the store, at most


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # "imported" | "skipped" | "failed"
    message: str
    source: str | None = None
    words: int = 0
    layout: str = ""  # "otter layout, 2 speakers" (imported files)


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # files in the folders given, of a type not imported

    MAX_NAMED = 8

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def imported(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "imported"]

    def summary(self) -> str:
        """``2 imported, 0 skipped, 1 failed``, then the files left out for their type, by name."""
        counts = {s: sum(1 for r in self.results if r.status == s) for s in ("imported", "skipped", "failed")}
        line = f"{counts['imported']} imported, {counts['skipped']} skipped, {counts['failed']} failed"
        return f"{line}; {self.left_out()}" if self.unsupported else line

    def left_out(self) -> str:
        """The files left out for their type, by name (``""`` when none)."""
        if not self.unsupported:
            return ""
        named = ", ".join(self.unsupported[: self.MAX_NAMED])
        more = f" and {len(self.unsupported) - self.MAX_NAMED} more" if len(self.unsupported) > self.MAX_NAMED else ""
        return (f"{len(self.unsupported)} file(s) of a type that is not imported "
                f"(not {' '.join(sorted(SUPPORTED_SUFFIXES))}) left out: {named}{more}")  # fmt: skip

    def layouts(self) -> str:
        """The transcript layouts of the imported files: ``otter layout, 2 speakers`` or ``layouts: otter 3, word 1``."""
        return describe_layouts([r.layout for r in self.results if r.status == "imported" and r.layout])


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to import: given files as they are, folders recursively (supported types only)."""
    return scan_paths(paths)[0]


def scan_paths(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """:func:`expand_paths`, and the files in the folders that are left out for their type
    (named relative to the folder given; hidden files and Office lock files are not named)."""
    files: list[Path] = []
    unsupported: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
            files.extend(p for p in found if p.suffix.lower() in SUPPORTED_SUFFIXES)
            unsupported.extend(str(p.relative_to(path)) for p in found if p.suffix.lower() not in SUPPORTED_SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(path, "no such file or folder")
    return files, unsupported


def import_paths(
    project: Project,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    attributes: Path | None = None,
    progress: Callable[[FileResult], None] | None = None,
) -> ImportReport:
    """Import files and folders in the given order, each file in its own transaction.

    Reading and segmenting (spaCy) is separate from storing: on a large batch
    a second process segments the next files while this one stores (see
    :func:`_prepared`). Stores run here, one at a time and in order, so
    duplicate detection and the report are exactly as if sequential.
    """
    options = options or ImportOptions()
    if options.layout is not None and options.layout not in LAYOUT_NAMES:
        raise WorkbenchError(f"unknown layout {options.layout!r}; use one of {', '.join(LAYOUT_NAMES)}")
    if options.kind is not None and options.kind not in SOURCE_KINDS:
        raise WorkbenchError(f"unknown kind {options.kind!r}; use one of {', '.join(SOURCE_KINDS)}")
    from workbench.services.project.language import import_language

    options = replace(options, language=import_language(project, options.language))
    files, unsupported = scan_paths(paths)
    attribute_rows = people.read_attributes_csv(attributes, options.language) if attributes else None
    if options.interviewer_labels:
        with project.session() as session:
            people.add_interviewer_labels(session, list(options.interviewer_labels))
    report = ImportReport(unsupported=unsupported)
    for work in _prepared(files, options):
        try:
            result = _store_file(project, work, options)
        except UnreachableError as error:
            raise UnreachableError(_stopped(error, work, report, len(files))) from None
        report.results.append(result)
        if progress is not None:
            progress(result)
    if attribute_rows is not None:
        with project.session() as session:
            people.apply_attributes(session, attribute_rows)
    return report


@dataclass(frozen=True)
class _ReadyFile:
    """A file read and segmented, ready to store (or a REFI-QDA file, for its own importer)."""

    path: Path
    format: str
    encoding: str | None
    prepared: PreparedText | None  # None: a REFI-QDA file


def _prepare_file(path: Path, options: ImportOptions) -> _ReadyFile | FileResult:
    """Read and segment one file, outside any transaction; a failure comes back as its result."""
    from workbench.interop import is_refi_path

    if is_refi_path(path):
        return _ReadyFile(path, "refi-qda", None, None)
    try:
        read = read_transcript(path)
        text = without_leading_bom(read.text)  # before any offset is taken
        found = parse_layout(path, text, read.cue_times, read.format, options.layout, read.layout_hint)
        prepared = prepare_text(
            path, found.parsed.text, None, options.spacy_model, options.language, parsed=found.parsed,
            layout=found.describe(),
        )
    except WorkbenchError as error:
        return _failed(path, error)
    except Exception as error:  # noqa: BLE001 - one file's surprise must not stop the batch
        return _unexpected(path, error, "read")
    return _ReadyFile(path, read.format, read.encoding, prepared)


def _prepared(files: list[Path], options: ImportOptions) -> Iterator[_ReadyFile | FileResult]:
    """Each file read and segmented, in order: in a second process when that pays.

    It pays on a batch of at least :data:`PARALLEL_MIN_BYTES` when the machine
    has two cores and can fork (Linux): spaCy is loaded here first, so the
    forked worker shares it, and at most :data:`PARALLEL_WINDOW` files are
    ahead of the store, so memory stays bounded. ``options.processes=1`` keeps
    everything in this process.
    """
    if not _use_worker(files, options):
        for path in files:
            yield _prepare_file(path, options)
        return
    from workbench.services.text.nlp import load_pipeline

    load_pipeline(options.language or DEFAULT_LANGUAGE, options.spacy_model)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        remaining = iter(files)
        pending: deque[AsyncResult[_ReadyFile | FileResult]] = deque(
            pool.apply_async(_prepare_file, (path, options)) for path in islice(remaining, PARALLEL_WINDOW)
        )
        while pending:
            work = pending.popleft().get()
            following = next(remaining, None)
            if following is not None:
                pending.append(pool.apply_async(_prepare_file, (following, options)))
            yield work


def _use_worker(files: list[Path], options: ImportOptions) -> bool:
    if options.processes == 1 or len(files) < 2:
        return False
    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        return False
    if options.processes == 2:
        return True
    return sum(_size(path) for path in files) >= PARALLEL_MIN_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store_file(project: Project, work: _ReadyFile | FileResult, options: ImportOptions) -> FileResult:
    """Store one prepared file in one transaction (a REFI-QDA file through its own importer)."""
    if isinstance(work, FileResult):
        return work
    path = work.path
    try:
        if work.prepared is None:
            from workbench.interop import import_refi

            refi = import_refi(project, path, options)
            return FileResult(str(path), "imported", "\n".join(refi.lines()), None, 0)
        prepared = work.prepared
        with project.session() as session:
            existing = session.scalar(select(Source.name).where(Source.content_hash == prepared.content_hash))
            if existing is not None:
                return FileResult(str(path), "skipped", f"{path}: same content as source {existing!r}; skipped", existing)
            kind = options.kind or guess_kind(path, prepared.parsed)
            source = add_text_source(
                session, prepared, name=path.stem, kind=kind, original_filename=str(path),
                original_format=work.format, encoding=work.encoding, options=options,
            )
            name, kind = source.name, source.kind
    except UnreachableError:
        raise
    except WorkbenchError as error:
        return _failed(path, error)
    except Exception as error:  # noqa: BLE001 - one file's surprise must not stop the batch
        return _unexpected(path, error, "stored")
    words, layout = prepared.words, prepared.layout
    message = f"{path}: imported as {name!r} ({kind}, {words} words" + (f"; {layout})" if layout else ")")
    return FileResult(str(path), "imported", message, name, words, layout)


def _unexpected(path: Path, error: Exception, stage: str) -> FileResult:
    """A failure no check foresaw: the file fails with the error's kind only (never SQL or text), the batch goes on."""
    if os.environ.get("WORKBENCH_DEBUG"):
        raise error
    return FileResult(
        str(path), "failed",
        f"{path}: could not be {stage} ({type(error).__name__}); the rest of the batch goes on — "
        "please report this with WORKBENCH_DEBUG=1",
    )


def _stopped(error: UnreachableError, work: _ReadyFile | FileResult, report: ImportReport, total: int) -> str:
    path = work.path
    done = len(report.results)
    return (
        f"{path}: {error}; the import stopped after {done} of {total} files ({report.summary()}); "
        "files already imported are skipped when you run it again"
    )


def _failed(path: Path, error: WorkbenchError) -> FileResult:
    message = str(error)
    return FileResult(str(path), "failed", message if message.startswith(str(path)) else f"{path}: {message}")
