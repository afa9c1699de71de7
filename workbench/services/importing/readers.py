"""Readers: a transcript file → stored plain text (+ cue times for subtitles).

The stored plain text is what offsets refer to:

* ``.txt``/``.md``: the decoded text with line ends normalised to ``\\n``;
* ``.docx``: the paragraphs joined by ``\\n``;
* ``.vtt``/``.srt``: one line per cue, ``Speaker: text`` (cue text lines
  joined by a space), with the cue times kept for the turn;
* ``.json``/``.tsv`` (Whisper, WhisperX): one line per segment, see :mod:`.whisper`.

Which layout the text is in (who spoke, when) is decided after reading, by
:func:`workbench.domain.layouts.parse_layout`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from workbench.errors import InputError
from workbench.guards import GuardedZip, xml_declaration_line
from workbench.services.importing.decoding import (  # noqa: F401 - readers' results and decoding, re-exported
    CONTROL_CHARACTERS,
    ReadFile,
    decode_text,
    normalise_newlines,
    stream_encoding,
)

TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".vtt", ".srt", ".json", ".tsv"}
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_CUE_MS = 2**31 - 1  # a cue time is stored as a 32-bit integer of milliseconds (596 hours)


def read_transcript(path: Path) -> ReadFile:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(path, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .docx, .vtt, .srt, .json or .tsv")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(path, f"file is {size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the file ({error.strerror})") from None
    if not data.strip():
        raise InputError(path, "file is empty; nothing to import")
    if suffix == ".docx":
        result = _read_docx(path, data)
    elif suffix in (".json", ".tsv"):
        from workbench.services.importing import whisper

        result = whisper.read_json(path, data) if suffix == ".json" else whisper.read_tsv(path, data)
    else:
        text, encoding = decode_text(path, data)
        if suffix == ".vtt":
            result = _read_vtt(path, text, encoding)
        elif suffix == ".srt":
            result = _read_srt(path, text, encoding)
        else:
            result = ReadFile(text=text, format=suffix.lstrip("."), encoding=encoding)
    if not result.text.strip():
        raise InputError(path, "file has no text; nothing to import")
    return result


def _read_docx(path: Path, data: bytes) -> ReadFile:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(path, "is password-protected or an old .doc file; remove the password or save as .docx")
    if not zipfile.is_zipfile(path):
        raise InputError(path, "is not a valid .docx file (not a zip package); re-save it from Word")
    _check_docx_package(path)
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise InputError(path, f"is not a readable .docx file ({error}); re-save it from Word") from None
    except Exception as error:  # noqa: BLE001 - lxml/zip errors of a damaged package
        raise InputError(path, f"is a damaged .docx file ({type(error).__name__}); re-save it from Word") from None
    paragraphs = [normalise_newlines(p.text).replace("\n", " ") for p in document.paragraphs]
    return ReadFile(text="\n".join(paragraphs), format="docx")


def _check_docx_package(path: Path) -> None:
    """Refuse a zip bomb (by the shared zip limits, before inflating) and XML declaring a DOCTYPE or entities.

    Word never writes a DOCTYPE; python-docx would silently drop the text of
    entity references, so a document declaring one is refused, not half read.
    """
    with GuardedZip(path, what="a valid .docx file (not a zip package); re-save it from Word") as package:
        for info in package.infolist():
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
                continue
            line = xml_declaration_line(package.read(info, "re-save it from Word"))
            if line is not None:
                raise InputError(
                    path, f"part {info.filename} (line {line}) declares a DOCTYPE or entities, which Word never writes; "
                    "refused (XXE); re-save the document from Word",
                )


_CUE_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
CUE_TIMING = re.compile(rf"^\s*(?P<start>{_CUE_TIME})\s+-->\s+(?P<end>{_CUE_TIME})(?:\s+.*)?$")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG = re.compile(r"</?[^>]*>")


def _cue_line(text_lines: list[str]) -> str:
    text = " ".join(line.strip() for line in text_lines if line.strip())
    voice = VOICE.search(text)
    if voice:
        speaker = voice.group(1).strip()
        body = TAG.sub("", text[: voice.start()] + text[voice.end() :]).strip()
        return f"{speaker}: {body}"
    return TAG.sub("", text).strip()


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&")


def _read_cues(path: Path, lines: list[str], first: int, fmt: str) -> ReadFile:
    from workbench.domain.transcript import parse_timestamp

    out: list[str] = []
    times: list[tuple[int, int]] = []
    index = first
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        block_start = index
        block: list[str] = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if fmt == "vtt" and block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = next((i for i, b in enumerate(block[:2]) if "-->" in b), None)
        if timing_at is None:
            cut = " (the file seems cut off)" if index >= len(lines) - 1 else ""
            raise InputError(
                path, f"expected a cue timing line like '00:00:01.000 --> 00:00:04.000'{cut}", block_start + 1
            )
        match = CUE_TIMING.match(block[timing_at])
        if not match:
            raise InputError(path, f"malformed cue timing {block[timing_at].strip()!r}", block_start + timing_at + 1)
        start, end = parse_timestamp(match.group("start")), parse_timestamp(match.group("end"))
        if end < start:
            raise InputError(path, "cue ends before it starts", block_start + timing_at + 1)
        if end > MAX_CUE_MS:
            raise InputError(
                path, f"cue time {match.group('end')} is past {MAX_CUE_MS // 3_600_000} hours; fix the timing line",
                block_start + timing_at + 1,
            )
        text = _unescape(_cue_line(block[timing_at + 1 :]))
        if not text:
            continue
        out.append(text)
        times.append((start, end))
    if not out:
        raise InputError(path, "has no cues with text; nothing to import")
    return ReadFile(text="\n".join(out), format=fmt, cue_times=times)


def _read_vtt(path: Path, text: str, encoding: str) -> ReadFile:
    lines = text.split("\n")
    if not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError(path, "is not WebVTT: the first line must be 'WEBVTT'", 1)
    result = _read_cues(path, lines, 1, "vtt")
    return ReadFile(result.text, result.format, encoding, result.cue_times, "teams" if VOICE.search(text) else None)


def _read_srt(path: Path, text: str, encoding: str) -> ReadFile:
    result = _read_cues(path, text.split("\n"), 0, "srt")
    return ReadFile(result.text, result.format, encoding, result.cue_times)
