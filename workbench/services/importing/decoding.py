"""Transcript bytes → text: the encodings we accept, the binary check, line ends; and what a reader
returns. Below every reader (:mod:`.readers`, :mod:`.whisper`), so they share it without importing
each other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(frozen=True)
class ReadFile:
    text: str
    format: str
    encoding: str | None = None
    cue_times: list[tuple[int, int]] | None = None
    layout_hint: str | None = None  # what the reader saw of the layout ("teams": WebVTT voice tags)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode transcript bytes (UTF-8 with or without BOM, UTF-16 with BOM, cp1252).

    Line ends become ``\\n``. Binary data and text in none of these encodings are refused.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _strict(path, data[3:], "utf-8"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _strict(path, data, "utf-16"), "utf-16"
    else:
        if b"\x00" in data:
            raise InputError(path, "looks like a binary file, not text; export the transcript as .txt, .docx, .vtt or .srt")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _strict(path, data, "cp1252"), "cp1252"
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(path, "holds a NUL character, which is not text; remove it or re-save the file as UTF-8", line)
    sample = text[:65536]
    if len(CONTROL_CHARACTERS.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(path, "looks like a binary file, not text; export the transcript as .txt, .docx, .vtt or .srt")
    return normalise_newlines(text), encoding


def stream_encoding(path: Path, chunk_size: int = 1 << 20) -> str:
    """The encoding :func:`decode_text` would choose, found by reading the file in chunks (for large files).

    A BOM decides; otherwise the whole file must be UTF-8 (else Windows-1252),
    checked incrementally so memory stays bounded. A NUL byte in a file without
    a BOM means binary, as in :func:`decode_text`.
    """
    import codecs

    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if head.startswith(b"\xef\xbb\xbf"):
                return "utf-8-sig"
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return "utf-16"
            handle.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            utf8 = True
            while chunk := handle.read(chunk_size):
                if b"\x00" in chunk:
                    raise InputError(path, "looks like a binary file, not text; save it as UTF-8 text")
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    return "utf-8" if utf8 else "cp1252"


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            path, f"cannot decode byte {data[error.start]:#04x} as UTF-8 or Windows-1252; save the file as UTF-8", line
        ) from None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
