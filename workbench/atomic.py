"""Writing a file all or nothing: through a temporary sibling, then ``os.replace``.

Every export, backup and saved file goes through :func:`replacing`, so a
failure (disk full, permission, a bug halfway) leaves no partial file and the
old one, if any, untouched. The result gets the permissions an ordinary
``open()`` would have given it — an existing file keeps its own, a new one
follows the umask — not the private 0600 of :func:`tempfile.mkstemp`.

It is also the one guard against writing over a project: :func:`protect` is
called for every SQLite project this process opens, and no file is written
over that project, its ``-wal``/``-shm``/``-journal`` or its ``.bak-…``
backups (by name, through symlinks and hard links). An existing SQLite
database of any other name is not overwritten either, except by a backup.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from workbench.errors import WorkbenchError

SQLITE_HEADER = b"SQLite format 3\x00"
PROJECT_COMPANIONS = ("-wal", "-shm", "-journal")
_protected: set[Path] = set()


def protect(project_file: Path) -> None:
    """Never write over ``project_file`` or its companions (called when a SQLite project is opened)."""
    _protected.add(Path(os.path.abspath(project_file)))


def check_not_project(path: Path, *, database_ok: bool = False) -> None:
    """Refuse ``path`` when it is an open project, its journal or a backup of it (or, unless
    ``database_ok``, any existing SQLite database): writing there would destroy the project."""
    target = Path(os.path.realpath(path))
    for project in _protected:
        real = Path(os.path.realpath(project))
        if target.parent == real.parent and _is_companion(target.name, real.name):
            raise WorkbenchError(f"{path}: is the project {project} (or its journal or a backup of it); "
                                 "choose another file — nothing was written")  # fmt: skip
        if target.exists() and any(_same_file(target, file) for file in _project_files(real)):
            raise WorkbenchError(f"{path}: is the same file as the project {project} (or its journal or a backup); "
                                 "choose another file — nothing was written")  # fmt: skip
    if not database_ok and _is_sqlite(target):
        raise WorkbenchError(f"{path}: is a SQLite database (perhaps a project); an export never overwrites one — "
                             "choose another file name")  # fmt: skip


def _is_companion(name: str, project_name: str) -> bool:
    return name == project_name or name in {project_name + s for s in PROJECT_COMPANIONS} or name.startswith(project_name + ".bak-")


def _project_files(project: Path) -> list[Path]:
    files = [project, *(project.with_name(project.name + s) for s in PROJECT_COMPANIONS)]
    try:
        files += [p for p in project.parent.iterdir() if p.name.startswith(project.name + ".bak-")]
    except OSError:
        pass
    return files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_stream(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _is_sqlite(path: Path) -> bool:
    try:
        if not path.is_file():  # never open a pipe or device to look
            return False
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


@contextmanager
def replacing(path: Path, *, database_ok: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; on leaving the block without an error it
    replaces ``path``, otherwise it is removed. An ``OSError`` becomes a one-line WorkbenchError.
    ``path`` may not be an open project or one of its companions (:func:`check_not_project`)."""
    check_not_project(path, database_ok=database_ok)
    if _is_stream(path):  # /dev/stdout, /dev/null, a named pipe: written straight into, never replaced
        yield path
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbenchError(f"{path}: the folder {folder} does not exist; create it or choose another path")
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write here ({error.strerror}); choose another path") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
    finally:
        temporary.unlink(missing_ok=True)  # gone already when it replaced the target


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    """UTF-8, line ends exactly as given."""
    write_bytes(path, text.encode("utf-8"))


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@lru_cache(maxsize=1)
def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` sets it, which races with threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
