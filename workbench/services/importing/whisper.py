"""Readers for Whisper and WhisperX output: ``.json`` segments and ``.tsv`` tables.

Each segment becomes one cue line (``[SPEAKER_00]: text`` when WhisperX
names a speaker) with its start and end in milliseconds, as the subtitle
readers produce; the whisper layout (:func:`workbench.domain.layouts.whisper_turns`)
then joins a speaker's consecutive segments into one turn.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.domain.transcript import parse_timestamp
from workbench.errors import InputError
from workbench.services.importing.readers import CONTROL_CHARACTERS, ReadFile, decode_text

MAX_SPEAKER = 60
MAX_MS = 2**31 - 1  # a turn's time is stored as a 32-bit integer of milliseconds (596 hours)


def _clean(text: str) -> str:
    return " ".join(CONTROL_CHARACTERS.sub("", text).split())


def _cue(speaker: object, text: str) -> str:
    if isinstance(speaker, int) and not isinstance(speaker, bool) and speaker >= 0:
        speaker = f"SPEAKER_{speaker:02d}"  # a numbered speaker is a generic label, scoped to its source
    if isinstance(speaker, str) and _clean(speaker):
        name = _clean(speaker).replace("[", "(").replace("]", ")")[:MAX_SPEAKER].strip()
        return f"[{name}]: {text}"
    return text


def _seconds(path: Path, value: object, what: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_MS / 1000:
        raise InputError(path, f"{where}: '{what}' must be a time in seconds up to {MAX_MS // 3_600_000} hours, "
                               f"not {json.dumps(value)[:40]}")
    return round(value * 1000)


def read_json(path: Path, data: bytes) -> ReadFile:
    """Whisper (``{"segments": [{"start", "end", "text"}]}``), WhisperX (+ ``"speaker"``), a bare list of
    segments, Hugging Face ``"chunks"`` (``"timestamp": [start, end]``) or whisper.cpp's ``"transcription"``
    (``"offsets": {"from", "to"}`` in milliseconds)."""
    text, encoding = decode_text(path, data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"is not valid JSON ({error.msg}); export the transcript again", error.lineno) from None
    except RecursionError:
        raise InputError(path, "is JSON nested too deeply to be a transcript") from None
    if isinstance(document, dict):
        segments = next((document[k] for k in ("segments", "chunks", "transcription") if k in document), None)
    else:
        segments = document
    if not isinstance(segments, list):
        raise InputError(path, "is not a Whisper or WhisperX transcript: expected a 'segments' list of start, end and text")
    lines: list[str] = []
    times: list[tuple[int, int]] = []
    for number, segment in enumerate(segments, 1):
        where = f"segment {number}"
        if not isinstance(segment, dict):
            raise InputError(path, f"{where} is not an object with start, end and text")
        if "timestamp" in segment and "start" not in segment:  # Hugging Face pipeline chunks: "timestamp": [start, end]
            stamp = segment["timestamp"]
            start_at, end_at = (stamp[0], stamp[1]) if isinstance(stamp, list) and len(stamp) == 2 else (None, None)
        elif isinstance(segment.get("offsets"), dict) and "start" not in segment:  # whisper.cpp: milliseconds
            offsets = segment["offsets"]
            start_at, end_at = (v / 1000 if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                                for v in (offsets.get("from"), offsets.get("to")))
        else:
            start_at, end_at = segment.get("start"), segment.get("end")
        words = segment.get("text")
        if not isinstance(words, str):
            raise InputError(path, f"{where} has no 'text'")
        start = _seconds(path, start_at, "start", where)
        end = _seconds(path, end_at if end_at is not None else start_at, "end", where)
        if end < start:
            raise InputError(path, f"{where} ends before it starts")
        words = _clean(words)
        if words:
            lines.append(_cue(segment.get("speaker"), words))
            times.append((start, end))
    if not lines:
        raise InputError(path, "has no segments with text; nothing to import")
    return ReadFile(text="\n".join(lines), format="json", encoding=encoding, cue_times=times)


def _time(path: Path, value: str, line: int) -> int:
    value = value.strip()
    millis = None
    try:
        if ":" in value:
            millis = parse_timestamp(value)
        elif "." in value:
            millis = round(float(value) * 1000) if 0 <= float(value) <= MAX_MS / 1000 else None
        elif value.isdigit():
            millis = int(value)  # Whisper writes milliseconds
    except ValueError:
        pass
    if millis is not None and 0 <= millis <= MAX_MS:
        return millis
    raise InputError(path, f"{value[:20]!r} is not a time up to {MAX_MS // 3_600_000} hours (milliseconds, seconds or hh:mm:ss)", line)


def read_tsv(path: Path, data: bytes) -> ReadFile:
    """Whisper's ``start<TAB>end<TAB>text`` table (milliseconds), with an optional ``speaker`` column."""
    text, encoding = decode_text(path, data)
    rows = text.split("\n")
    header = [cell.strip().lower() for cell in rows[0].split("\t")]
    if "start" in header and "text" in header:
        columns = {name: header.index(name) for name in ("start", "end", "text", "speaker") if name in header}
        first = 1
    else:
        columns, first = {"start": 0, "end": 1, "text": 2}, 0
    lines: list[str] = []
    times: list[tuple[int, int]] = []
    for number, row in enumerate(rows[first:], first + 1):
        if not row.strip():
            continue
        cells = row.split("\t")
        if len(cells) <= max(columns.values()):
            raise InputError(path, f"expected tab-separated start, end and text, found {len(cells)} column(s)", number)
        start = _time(path, cells[columns["start"]], number)
        end = _time(path, cells[columns["end"]], number) if "end" in columns else start
        if end < start:
            raise InputError(path, "segment ends before it starts", number)
        text_at = columns["text"]
        words = _clean(" ".join(cells[text_at:]) if text_at == len(header) - 1 or first == 0 else cells[text_at])
        if words:
            lines.append(_cue(cells[columns["speaker"]] if "speaker" in columns else None, words))
            times.append((start, end))
    if not lines:
        raise InputError(path, "has no segments with text; nothing to import")
    return ReadFile(text="\n".join(lines), format="tsv", encoding=encoding, cue_times=times)
