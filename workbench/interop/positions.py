"""Selection positions: which unit a file counts in, and conversion to our code-point offsets.

REFI-QDA says positions are 0-based code points, end-exclusive. Real files
differ: NVivo for Windows counts UTF-16 code units and counts a CRLF as two;
ATLAS.ti writes CRLF text but counts a line break as one. Our stored text has
``\\n`` line ends, so every offset counted on CRLF text must be mapped too.

:func:`decode_source` reads the bytes under our control (BOM stripped, line
ends kept). :func:`place` tries each interpretation that could make a
difference for this text (UTF-16 vs code points only when the text has
characters outside the BMP; CRLF as 2 vs 1 only when it has CRLFs), scores
each by the quotes the file carries (ATLAS.ti writes the selected text into
``@name``) and by how many selections start and end on word boundaries, and
keeps the tool's known convention unless another reading fits clearly
better. All arithmetic goes through :mod:`workbench.domain.spans`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.spans import (
    astral_utf16_starts,
    crlf_offsets_to_lf,
    utf16_offsets_to_code_points,
    utf16_splits_pair,
    without_leading_bom,
)
from workbench.services.importing.readers import normalise_newlines

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SourceText:
    raw: str  # decoded, BOM removed, line ends as in the file
    text: str  # what we store: line ends normalised to "\n"
    encoding: str


@dataclass(frozen=True)
class Units:
    utf16: bool
    crlf_as_two: bool

    def describe(self, has_crlf: bool = True) -> str:
        unit = "UTF-16 units" if self.utf16 else "code points"
        if not has_crlf:
            return unit
        return f"{unit}, CRLF counted as {'2' if self.crlf_as_two else '1'}"


SPEC = Units(utf16=False, crlf_as_two=True)


@dataclass(frozen=True)
class Placed:
    spans: tuple[tuple[int, int] | None, ...]  # None: empty or reversed once converted
    units: Units
    detected: bool  # True when the evidence overrode the tool's convention
    clamped: int
    split_pairs: int
    quotes: int  # selections whose @name could be checked as a quote
    quotes_matched: int
    description: str


def decode_source(data: bytes) -> SourceText | None:
    """Decode a plain-text file: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252. None if none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [(data[3:], "utf-8-sig", "utf-8")]
    elif data.startswith(b"\xff\xfe"):
        candidates = [(data[2:], "utf-16-le", "utf-16-le")]
    elif data.startswith(b"\xfe\xff"):
        candidates = [(data[2:], "utf-16-be", "utf-16-be")]
    else:
        candidates = [(data, "utf-8", "utf-8"), (data, "cp1252", "cp1252")]
    for payload, label, codec in candidates:
        try:
            raw = payload.decode(codec)
        except UnicodeDecodeError:
            continue
        raw = without_leading_bom(raw)
        return SourceText(raw=raw, text=normalise_newlines(raw), encoding=label)
    return None


def preferred_units(origin: str | None) -> Units:
    lowered = (origin or "").lower()
    if lowered.startswith("nvivo"):
        return Units(utf16=True, crlf_as_two=True)
    if lowered.startswith("atlas.ti"):
        return Units(utf16=False, crlf_as_two=False)
    return SPEC


def _convert(source: SourceText, positions: list[int], units: Units) -> tuple[list[int], int]:
    counted = source.raw if units.crlf_as_two else source.text
    split = 0
    if units.utf16:
        starts = astral_utf16_starts(counted)
        split = sum(1 for p in positions if utf16_splits_pair(starts, p))
        positions = utf16_offsets_to_code_points(counted, positions, starts)
    if units.crlf_as_two:
        positions = crlf_offsets_to_lf(source.raw, positions)
    return positions, split


def _quote_matches(text: str, quote: str) -> bool:
    wanted = _SPACE.sub(" ", quote).strip()
    got = _SPACE.sub(" ", text).strip()
    if wanted.endswith(("…", "...")):
        stem = wanted.rstrip(".…").rstrip()
        return bool(stem) and got.startswith(stem)
    return got == wanted


def _aligned(text: str, start: int, end: int) -> int:
    score = 0
    if 0 <= start < len(text) and not text[start].isspace() and (start == 0 or not text[start - 1].isalnum()):
        score += 1
    if 0 < end <= len(text) and not text[end - 1].isspace() and (end == len(text) or not text[end].isalnum()):
        score += 1
    return score


@dataclass
class _Trial:
    units: Units
    spans: list[tuple[int, int] | None]
    clamped: int
    split: int
    quotes: int
    matched: int
    score: int


def _trial(source: SourceText, raw: Sequence[tuple[int, int]], quotes: Sequence[str | None], units: Units) -> _Trial:
    flat = [p for span in raw for p in span]
    converted, split = _convert(source, flat, units)
    text, length = source.text, len(source.text)
    spans: list[tuple[int, int] | None] = []
    clamped = aligned = checked = matched = 0
    for index in range(len(raw)):
        start, end = converted[2 * index], converted[2 * index + 1]
        if start < 0 or end > length:
            clamped += 1
            start, end = max(0, min(start, length)), max(0, min(end, length))
        if end <= start:
            spans.append(None)
            continue
        spans.append((start, end))
        aligned += _aligned(text, start, end)
        quote = quotes[index] if index < len(quotes) else None
        if quote and len(quote.strip()) >= 3:
            checked += 1
            matched += _quote_matches(text[start:end], quote)
    score = 4 * matched + aligned - 4 * clamped - 2 * split
    return _Trial(units, spans, clamped, split, checked, matched, score)


def place(
    source: SourceText,
    raw: Sequence[tuple[int, int]],
    quotes: Sequence[str | None] = (),
    origin: str | None = None,
) -> Placed:
    """Convert a source's selections (as the file counts them) into offsets into ``source.text``."""
    has_astral = any(ord(c) > 0xFFFF for c in source.raw)
    has_crlf = "\r\n" in source.raw
    preferred = preferred_units(origin)
    preferred = Units(preferred.utf16 and has_astral, preferred.crlf_as_two or not has_crlf)
    options = [preferred]
    for utf16 in ((False, True) if has_astral else (False,)):
        for crlf in ((True, False) if has_crlf else (True,)):
            if Units(utf16, crlf) not in options:
                options.append(Units(utf16, crlf))
    trials = [_trial(source, raw, quotes, units) for units in options]
    best = trials[0]
    margin = max(1, len(raw) // 20)
    for trial in trials[1:]:
        if trial.score > best.score + (margin if best is trials[0] else 0):
            best = trial
    detected = best is not trials[0]
    description = best.units.describe(has_crlf)
    if detected:
        description += f" (detected; {preferred.describe(has_crlf)} fit worse)"
    return Placed(
        spans=tuple(best.spans),
        units=best.units,
        detected=detected,
        clamped=best.clamped,
        split_pairs=best.split,
        quotes=best.quotes,
        quotes_matched=best.matched,
        description=description,
    )
