"""Guards for the containers we open: zip packages (.qdpx, .docx) and XML prologues.

Every zip the workbench opens goes through :class:`GuardedZip`: before a
single byte is inflated it checks the entry count, every entry's declared
size, the total declared size, the compression ratio of each large entry and
of the package as a whole, and entry names that would escape a folder ("zip
slip") or are symbolic links. Reads are then bounded by the declared sizes,
so a package whose headers lie stops at the first extra chunk ("zip bomb").

:func:`xml_declaration_line` is the one rule for XML we read: a document
type declaration (DOCTYPE or ENTITY) is refused, which closes off external
entities (XXE) and entity expansion ("billion laughs") in one check.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What a zip package may hold (shared by .qdpx and .docx)."""

    max_members: int = 10_000
    max_total_bytes: int = 2 * 2**30
    max_member_bytes: int = 512 * 2**20
    max_ratio: int = 200  # uncompressed : compressed, checked for entries (and packages) above ratio_floor bytes
    ratio_floor: int = 4 * 2**20


def unsafe_name(name: str) -> bool:
    """A member name that would escape an extraction folder: absolute, a drive letter, ``..``, NUL."""
    if not name or "\x00" in name or name.startswith(("/", "\\")):
        return True
    if len(name) > 1 and name[1] == ":":
        return True
    return any(part == ".." for part in name.replace("\\", "/").split("/"))


class GuardedZip:
    """A zip package opened for reading after its directory passed :class:`Limits`."""

    def __init__(self, path: Path, limits: Limits | None = None, *, what: str = "a zip package") -> None:
        self.where = str(path)
        self.limits = limits or Limits()
        self._read_total = 0
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise InputError(path, f"is not {what}") from None
        try:
            archive_size = path.stat().st_size
            check_entries(self.where, self.zip.infolist(), self.limits, archive_size)
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> GuardedZip:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.zip.infolist()

    def read(self, info: zipfile.ZipInfo, advice: str = "re-save the file") -> bytes:
        """The entry's bytes, refusing an entry that expands past its declared size or the package's budget."""
        if info.flag_bits & 0x1:
            raise InputError(self.where, f"entry {info.filename!r} is encrypted; save it without a password")
        cap = min(info.file_size, self.limits.max_member_bytes)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > cap or self._read_total > self.limits.max_total_bytes:
                        raise InputError(self.where, f"entry {info.filename!r} expands beyond its declared size; refused (zip bomb?)")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise InputError(self.where, f"entry {info.filename!r} is damaged ({error}); {advice}") from None
        return b"".join(chunks)


def check_entries(where: str, infos: list[zipfile.ZipInfo], limits: Limits, archive_size: int | None = None) -> None:
    """Refuse a package by its directory alone (nothing inflated): count, names, sizes, ratios."""
    if len(infos) > limits.max_members:
        raise InputError(where, f"holds {len(infos)} entries, over the limit of {limits.max_members}; refused (zip bomb?)")
    total = 0
    for info in infos:
        if unsafe_name(info.filename):
            raise InputError(where, f"entry {info.filename!r} would escape the extraction folder; refused (zip slip)")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(where, f"entry {info.filename!r} is a symbolic link; refused (zip slip)")
        if info.file_size > limits.max_member_bytes:
            raise InputError(where, f"entry {info.filename!r} expands to {info.file_size} bytes, over the limit; refused (zip bomb?)")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise InputError(where, f"entry {info.filename!r} compresses {ratio:.0f}:1, which no real file does; refused (zip bomb?)")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise InputError(where, f"expands to {total} bytes, over the limit of {limits.max_total_bytes}; refused (zip bomb?)")
    if archive_size is not None and total > limits.ratio_floor and total / max(archive_size, 1) > limits.max_ratio:
        raise InputError(
            where, f"expands {total / max(archive_size, 1):.0f}:1 ({total} bytes), which no real file does; refused (zip bomb?)"
        )


_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00?\x00", b"\x00<\x00?")


def xml_declaration_line(data: bytes, *, prolog_only: bool = False) -> int | None:
    """The line of a DOCTYPE or ENTITY declaration in XML bytes (UTF-8 or UTF-16), or None.

    ``prolog_only`` stops at the root element (where a declaration must be);
    without it the whole document is searched, which also catches one hidden
    after a comment that looks like an element.
    """
    if data[:4].startswith(_UTF16[:2]) or data[:4] in _UTF16[2:]:
        try:
            encoding = "utf-16" if data[:2] in _UTF16[:2] else ("utf-16-le" if data[:1] == b"<" else "utf-16-be")
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            pass
    end = len(data)
    if prolog_only:
        root = re.search(rb"<[A-Za-z_]", data)
        end = root.start() if root else end
    found = _DECLARATION.search(data, 0, end)
    return data[: found.start()].count(b"\n") + 1 if found else None
