"""Opening the file to merge, without touching it: a scratch copy that is a workbench project.

* A workbench project file (a handout, or a copy of a project) is checked —
  SQLite, a workbench schema this version knows — and copied with SQLite's
  backup API into a temporary folder, where opening migrates an older schema;
  the file itself is only read.
* A REFI-QDA project (``.qdpx``, ``.qde``) from NVivo, ATLAS.ti, MAXQDA or
  QualCoder is imported, with the REFI-QDA import, into a new scratch
  project; each of its users is a coder there.

Either way the merge reads one kind of thing: a workbench project.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.errors import InputError, WorkbenchError
from workbench.interop.report import RefiImportReport
from workbench.services.handout.identity import (
    PROJECT_ID,
    HandoutOrigin,
    handout_origin,
    settings,
)
from workbench.store.engine import Project

SQLITE_HEADER = b"SQLite format 3\x00"
REFI_PROJECTS = (".qdpx", ".qde")


@dataclass
class MergeFile:
    path: Path
    kind: str  # "handout" | "project" | "REFI-QDA"
    scratch: Project
    origin: HandoutOrigin | None = None
    project_id: str | None = None
    refi: RefiImportReport | None = None


@contextmanager
def open_merge_file(path: Path, ours: Project) -> Iterator[MergeFile]:
    if not path.exists():
        raise InputError(path, "no such file; give a handout (.db) or a REFI-QDA project (.qdpx)")
    if path.is_dir():
        raise InputError(path, "is a folder; give a handout (.db) or a REFI-QDA project (.qdpx)")
    _refuse_itself(path, ours)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        raise InputError(path, "is a REFI-QDA codebook, not coded work; load it with 'workbench import' instead")
    with tempfile.TemporaryDirectory(prefix="workbench-merge-") as folder:
        scratch_path = Path(folder) / "scratch.db"
        if suffix in REFI_PROJECTS:
            scratch = Project.open(str(scratch_path))
            try:
                yield _refi(path, scratch)
            finally:
                scratch.close()
            return
        _copy_workbench_file(path, scratch_path)
        try:
            scratch = Project.open(str(scratch_path), create=False)
        except WorkbenchError as error:
            raise InputError(path, f"cannot be read as a workbench project ({error}); nothing was merged") from None
        try:
            with scratch.session() as session:
                origin = handout_origin(session)
                file_id = settings(session, (PROJECT_ID,)).get(PROJECT_ID)
            yield MergeFile(path, "handout" if origin else "project", scratch, origin, file_id)
        finally:
            scratch.close()


def _refi(path: Path, scratch: Project) -> MergeFile:
    from workbench.interop.qdpx_import import import_project
    from workbench.services.importing.batch import ImportOptions

    report = import_project(scratch, path, ImportOptions(processes=1))
    return MergeFile(path, "REFI-QDA", scratch, refi=report)


def _refuse_itself(path: Path, ours: Project) -> None:
    url = make_url(ours.url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return
    try:
        same = Path(url.database).exists() and path.resolve().samefile(url.database)
    except OSError:
        same = False
    if same:
        raise InputError(path, "is this project itself; merge a handout or another coder's copy into it")


def _copy_workbench_file(path: Path, target: Path) -> None:
    """Check that ``path`` is a workbench project this version can read; copy it to ``target``."""
    not_ours = "is not a workbench project or a REFI-QDA file (.db handout, .qdpx); nothing was merged"
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise InputError(path, not_ours)
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise InputError(path, f"cannot be opened ({error})") from None
    try:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables or "coding" not in tables:
            raise InputError(path, not_ours)
        revision = (source.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
        _check_revision(path, revision)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    except sqlite3.Error as error:
        raise InputError(path, f"cannot be read as a project ({error}); nothing was merged") from None
    finally:
        source.close()


def _check_revision(path: Path, revision: str | None) -> None:
    from alembic.script import ScriptDirectory

    from workbench.store.migrate import alembic_config

    if revision is None:
        raise InputError(path, "is not a workbench project (no schema revision); nothing was merged")
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown revision
        raise InputError(
            path, f"was made by a newer version of the workbench (schema {revision}); upgrade the workbench, then merge"
        ) from None
