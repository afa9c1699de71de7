"""Writing a file all or nothing: through a temporary sibling, then ``os.replace``.

Every export, backup and saved file goes through :func:`replacing`, so a
failure (disk full, permission, a bug halfway) leaves no partial file and the
old one, if any, untouched. The result gets the permissions an ordinary
``open()`` would have given it — an existing file keeps its own, a new one
follows the umask — not the private 0600 of :func:`tempfile.mkstemp`.
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


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write; on leaving the block without an error it
    replaces ``path``, otherwise it is removed. An ``OSError`` becomes a one-line WorkbenchError."""
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
