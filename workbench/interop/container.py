"""The ``.qdpx`` package (a zip) or a bare ``.qde`` with its ``sources/`` folder, read safely.

Nothing is extracted to disk: members are read into memory on demand. Still,
an archive is refused as a whole when any entry name would escape an
extraction folder (absolute paths, drive letters, ``..``, symlinks: "zip
slip"), when it holds too many entries, or when its entries declare (or
turn out to expand to) more bytes than the limits allow, or compress
suspiciously well ("zip bomb"). Each refusal is a one-line
:class:`~workbench.errors.InputError` naming the file and the entry.

Lookups are case-insensitive (``Sources/`` vs ``sources/``, ``Project.qde``
vs ``project.qde``). Source references may be ``internal://NAME``,
``relative:///PATH`` (to ``Project/@basePath`` or else the package's folder),
``absolute:///PATH`` or a bare name (qc). An ``internal://`` name with a
folder part or ``..`` is refused like a zip slip, and a file outside the
package is read only when it is a ``.txt`` (so a hostile file cannot pull
``~/.ssh/id_rsa`` into a project); such reads are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from workbench.errors import InputError
from workbench.guards import GuardedZip, Limits, unsafe_name

__all__ = ["FolderContainer", "Limits", "Resolved", "ZipContainer", "open_container"]

EXTERNAL_SUFFIXES = {".txt", ".text"}  # files outside the package are read only when they are plain text


@dataclass(frozen=True)
class Resolved:
    """A source file found for a reference: its bytes and where they came from (or why not)."""

    data: bytes | None
    where: str
    external: bool = False
    problem: str | None = None


def open_container(path: Path, limits: Limits | None = None) -> ZipContainer | FolderContainer:
    limits = limits or Limits()
    if path.suffix.lower() == ".qde":
        return FolderContainer(path, limits)
    return ZipContainer(path, limits)


def _internal_name(reference: str) -> str | None:
    """``internal://x.txt`` (also ``internal:/x``, ``internal:x``) → ``x.txt``; None for other schemes."""
    lowered = reference.lower()
    if not lowered.startswith("internal:"):
        return None
    return unquote(reference[len("internal:") :].lstrip("/"))


def _split_scheme(reference: str) -> tuple[str | None, str]:
    for scheme in ("relative", "absolute", "file"):
        if reference.lower().startswith(scheme + ":"):
            rest = unquote(reference[len(scheme) + 1 :])
            return scheme, rest
    return None, reference


class _Base:
    where: str
    folder: Path
    limits: Limits

    def _external(self, reference: str, base_path: str | None) -> Resolved:
        scheme, rest = _split_scheme(reference)
        if scheme == "relative":
            relative = rest.lstrip("/")
            base = Path(base_path) if base_path and Path(base_path).is_absolute() else self.folder
            candidates = [base / relative, self.folder / relative]
        else:  # absolute:///C:/x, absolute:///Users/x, file:///x
            text = rest[2:] if rest.startswith("//") else rest
            if len(text) > 2 and text[0] == "/" and text[2] == ":":
                text = text[1:]  # /C:/... → C:/...
            candidates = [Path(text)]
        if candidates[0].suffix.lower() not in EXTERNAL_SUFFIXES:
            return Resolved(None, str(candidates[0]), external=True,
                            problem=f"refused to read {reference}: plain text outside the package must be a .txt file")
        for candidate in candidates:
            data = self._read_file(candidate)
            if data is not None:
                return Resolved(data, str(candidate), external=True)
        return Resolved(None, str(candidates[0]), external=True, problem=f"file not found: {reference}")

    def _read_file(self, path: Path) -> bytes | None:
        try:
            if not path.is_file():
                return None
            size = path.stat().st_size
            if size > self.limits.max_member_bytes:
                raise InputError(self.where, f"source file {path} is {size // 2**20} MiB, over the limit; refused")
            return path.read_bytes()
        except OSError:
            return None

    def check_internal(self, name: str, reference: str) -> None:
        if unsafe_name(name) or "/" in name or "\\" in name:
            raise InputError(self.where, f"source path {reference!r} would escape the sources folder; refused (zip slip)")


class ZipContainer(_Base):
    def __init__(self, path: Path, limits: Limits) -> None:
        self.where = str(path)
        self.folder = path.parent
        self.limits = limits
        self._zip = GuardedZip(path, limits, what="a zip package; a .qdpx file must be the zip a REFI-QDA export writes")
        self._members = {info.filename.lower(): info for info in self._zip.infolist() if not info.is_dir()}
        try:
            self.qde_name = self._find_qde()
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ZipContainer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _find_qde(self) -> str:
        qdes = sorted(name for name in self._members if name.endswith(".qde"))
        top = [name for name in qdes if "/" not in name]
        for pool in (top, qdes):
            if "project.qde" in pool:
                return "project.qde"
            if len(pool) == 1:
                return pool[0]
            if len(pool) > 1:
                raise InputError(self.where, f"holds several .qde files ({', '.join(pool)}) and none is project.qde; refused")
        raise InputError(self.where, "holds no project.qde; is this a REFI-QDA project export (.qdpx)?")

    def read_member(self, name: str) -> bytes:
        return self._zip.read(self._members[name.lower()], "re-export the project")

    def read_qde(self) -> bytes:
        return self.read_member(self.qde_name)

    def resolve(self, reference: str, base_path: str | None) -> Resolved:
        name = _internal_name(reference)
        scheme, _ = _split_scheme(reference)
        if name is None and scheme is None:
            name = unquote(reference)  # bare names (qc): look inside the package first
            if unsafe_name(name):
                return Resolved(None, reference, problem=f"unusable source path {reference!r}")
        if name is not None:
            if _internal_name(reference) is not None:
                self.check_internal(name, reference)
            lowered = name.lower()
            basename = PurePosixPath(lowered).name
            for candidate in (f"sources/{lowered}", lowered):
                if candidate in self._members:
                    return Resolved(self.read_member(candidate), f"{self.where}:{self._members[candidate].filename}")
            matches = sorted(m for m in self._members if PurePosixPath(m).name == basename)
            if len(matches) == 1:
                return Resolved(self.read_member(matches[0]), f"{self.where}:{self._members[matches[0]].filename}")
            if _internal_name(reference) is not None:
                return Resolved(None, reference, problem=f"missing from the package: sources/{name}")
            return self._external(f"relative:///{name}", None)
        return self._external(reference, base_path)


class FolderContainer(_Base):
    """A bare ``project.qde`` with its sources in a ``sources/`` folder beside it."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.where = str(path)
        self.folder = path.parent
        self.limits = limits
        self.path = path
        self.qde_name = path.name
        self._listings: dict[Path, dict[str, Path]] = {}
        self._sources = self._listing(self.folder).get("sources")

    def _listing(self, folder: Path) -> dict[str, Path]:
        """A folder's entries by lower-cased name (read once)."""
        if folder not in self._listings:
            try:
                self._listings[folder] = {p.name.lower(): p for p in sorted(folder.iterdir())}
            except OSError:
                self._listings[folder] = {}
        return self._listings[folder]

    def _inside(self, path: Path) -> bool:
        """Whether ``path``, symbolic links followed, stays inside the folder of the ``.qde``."""
        try:
            return path.resolve(strict=True).is_relative_to(self.folder.resolve(strict=True))
        except (OSError, RuntimeError):  # a dangling or looping link
            return False

    def close(self) -> None:
        return None

    def __enter__(self) -> FolderContainer:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def read_qde(self) -> bytes:
        try:
            size = self.path.stat().st_size
            if size > self.limits.max_member_bytes:
                raise InputError(self.path, f"is {size // 2**20} MiB, over the limit; refused")
            return self.path.read_bytes()
        except FileNotFoundError:
            raise InputError(self.path, "no such file") from None
        except OSError as error:
            raise InputError(self.path, f"cannot read the file ({error.strerror})") from None

    def resolve(self, reference: str, base_path: str | None) -> Resolved:
        name = _internal_name(reference)
        scheme, _ = _split_scheme(reference)
        if name is not None or scheme is None:
            internal = name is not None
            if name is None:
                name = unquote(reference)
            if internal:
                self.check_internal(name, reference)
            elif unsafe_name(name):
                return Resolved(None, reference, problem=f"unusable source path {reference!r}")
            for folder in (self._sources, self.folder):
                if folder is None:
                    continue
                match = self._listing(folder).get(name.lower())
                if match is None or "/" in name:
                    continue
                if not self._inside(match):
                    return Resolved(None, str(match), problem=(
                        f"{match.relative_to(self.folder)} is a link to a file outside the project folder "
                        f"({self.folder}); refused, as in a .qdpx package (zip slip)"
                    ))
                data = self._read_file(match)
                if data is not None:
                    return Resolved(data, str(match))
            if internal:
                return Resolved(None, reference, problem=f"missing: sources/{name} beside {self.path.name}")
            return self._external(f"relative:///{name}", None)
        return self._external(reference, base_path)
