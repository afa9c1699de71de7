"""Reading transcripts into plain text and speaker turns (pure; no I/O).

A parsed transcript is the stored plain text plus turns, each a span over
that text. Turns come from speaker labels at the start of a line in the
common transcript styles::

    P03: ...                      Interviewer: ...        INT: ...   R: ...
    [00:01:23] Speaker 1: ...     Speaker 1 (00:01:23): ...

A line without a label continues the previous turn. Text before the first
label, or in a file without labels, becomes turns without a speaker (one per
paragraph), so every character that was said can be coded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.domain.spans import Span, line_spans, strip_span

DEFAULT_INTERVIEWER_LABELS = frozenset(
    {"interviewer", "int", "i", "q", "moderator", "mod", "facilitator", "researcher", "interviewer 1", "interviewer 2"}
)
GENERIC_RESPONDENT_LABELS = frozenset({"r", "respondent", "interviewee", "participant", "a"})

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LABEL = r"(?P<label>[^\W\d_][\w.'’\-]*(?: [^\W_][\w.'’\-]*){0,3})"  # letters of any script
SPEAKER_LINE = re.compile(
    rf"^[ \t]*(?:[\[(](?P<t1>{_TIME})[\])][ \t]*)?{_LABEL}[ \t]*(?:[\[(](?P<t2>{_TIME})[\])])?[ \t]*:[ \t]*(?P<body>.*)$"
)
PARTICIPANT_ID = re.compile(r"^[Pp](?:articipant)?[ _-]?0*(\d{1,4})$")


def parse_timestamp(value: str) -> int:
    """``hh:mm:ss(.mmm)``, ``mm:ss`` or with a comma (SRT) → milliseconds."""
    value = value.replace(",", ".")
    seconds_part, _, fraction = value.partition(".")
    parts = [int(p) for p in seconds_part.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    millis = int((fraction + "000")[:3]) if fraction else 0
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def format_timestamp(millis: int) -> str:
    seconds, _ = divmod(millis, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def normalise_participant_id(label: str) -> str | None:
    """``P3``, ``p03``, ``Participant 3`` → ``P03``; None if the label is not an id."""
    match = PARTICIPANT_ID.match(label.strip())
    if not match:
        return None
    return f"P{int(match.group(1)):02d}"


def _plausible_label(label: str) -> bool:
    words = label.split()
    if len(label) > 40 or not words:
        return False
    # Labels are names, roles or ids: each word capitalised or carrying a digit
    # ("Speaker 1", "Dr Okafor", "P03", "INT"); ordinary prose before a colon
    # ("so what I mean is: ...") is not a label.
    return all(w[0].isupper() or w[0].isdigit() for w in words)


@dataclass(frozen=True, slots=True)
class ParsedTurn:
    label: str | None
    label_start: int
    body: Span
    time_start_ms: int | None = None
    time_end_ms: int | None = None


@dataclass
class ParsedTranscript:
    text: str
    turns: list[ParsedTurn] = field(default_factory=list)


@dataclass
class _Open:
    label: str | None
    label_start: int
    start: int
    end: int
    time_start_ms: int | None
    time_end_ms: int | None = None


def parse_speaker_line(line: str) -> tuple[str, int, int | None] | None:
    """If ``line`` starts with a speaker label, return (label, body offset, time in ms)."""
    if ":" not in line:
        return None
    match = SPEAKER_LINE.match(line)
    if not match or not _plausible_label(match.group("label")):
        return None
    stamp = match.group("t1") or match.group("t2")
    return match.group("label").strip(), match.start("body"), parse_timestamp(stamp) if stamp else None


def split_turns(
    text: str,
    cue_times: list[tuple[int, int]] | None = None,
    match_line: Callable[[str], tuple[str, int, int | None] | None] = parse_speaker_line,
) -> ParsedTranscript:
    """Find the speaker turns of ``text`` (already normalised to ``\\n`` line ends).

    ``cue_times`` (subtitle formats) gives each line its cue's start and end in
    milliseconds; each line then is one turn. ``match_line`` recognises a
    speaker line (default: the label styles above; transcript layouts pass
    their own, see :mod:`workbench.domain.layouts`).
    """
    turns: list[ParsedTurn] = []
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            body = strip_span(text, current.start, current.end)
            if body.length or current.label is not None:
                turns.append(
                    ParsedTurn(current.label, current.label_start, body, current.time_start_ms, current.time_end_ms)
                )
        current = None

    for index, (start, end) in enumerate(line_spans(text)):
        line = text[start:end]
        times = cue_times[index] if cue_times is not None and index < len(cue_times) else None
        found = match_line(line)
        if found is not None:
            close()
            label, body_offset, stamp = found
            time_start = times[0] if times else stamp
            current = _Open(label, start, start + body_offset, end, time_start, times[1] if times else None)
        elif not line.strip():
            if current is not None and current.label is None:
                close()  # unlabelled text: a blank line ends the paragraph
        elif current is None or times is not None:
            close()
            current = _Open(None, start, start, end, times[0] if times else None, times[1] if times else None)
        else:
            current.end = end
    close()
    return ParsedTranscript(text=text, turns=turns)


def count_words(text: str, spans: list[Span] | None = None) -> int:
    """Words as a word processor counts them: runs of non-space characters."""
    if spans is None:
        return len(text.split())
    return sum(len(text[s.start : s.end].split()) for s in spans)
