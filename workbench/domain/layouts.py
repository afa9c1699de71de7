"""Transcript layouts: how transcription tools write who spoke and when (pure; no I/O).

A layout turns what a reader produced (the plain text, and cue times for
subtitle and Whisper files) into speaker turns. Most tools put the speaker
and time on a line of their own with the words below; each such layout is a
header pattern handed to :func:`~workbench.domain.transcript.split_turns`,
so turns, labels and offsets follow the same rules as every other
transcript. The styles the importer always read (``P03: …``,
``Speaker 1 (00:01:23): …``, ``[00:01:23] Speaker 1: …``, subtitle cues)
are parsed exactly as before; detection only names them.

Detection (:func:`parse_layout` without a layout) counts, per layout, the
lines that are its speaker lines. A new layout is used only when it finds
more speaker lines than the classic ``Name: text`` parse does, so files that
already imported with speakers import the same. Two layouts that both match
a good share of the file are reported rather than guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from workbench.domain.spans import strip_span
from workbench.domain.transcript import ParsedTranscript, ParsedTurn, parse_speaker_line, parse_timestamp, split_turns
from workbench.errors import InputError

TEXT_FORMATS = frozenset({"txt", "md", "docx"})
CUE_FORMATS = frozenset({"vtt", "srt", "json", "tsv"})
PAUSE_MS = 2000  # Whisper segments without speakers: a silence this long starts a new turn
HEADER_MAX = 80  # a speaker line with its time is short; longer lines are never headers

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_NAME = r"(?P<label>[^\W\d_][\w.'’\-]*(?: [\w.'’\-]+){0,4})"  # letters of any script; up to five words
_BRACKET_LABEL = re.compile(r"^\[(?P<label>[^\]\n]{1,60})\]:[ \t]*")  # WhisperX subtitles: [SPEAKER_00]: …
_ZOOM_CUE = re.compile(r"^(?P<label>[^\s:\[\]<>][^:\n]{0,59}?):[ \t]+")  # Zoom .vtt: "Display Name: words"
_SENTENCE_END = frozenset(".?!,;…\"'”")  # a line ending so is prose, never a speaker line
_OTTER_FOOTER = re.compile(r"^[ \t]*Transcribed by https?://otter\.ai\S*[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Layout:
    name: str
    formats: frozenset[str]
    tools: str
    example: str
    header: re.Pattern[str] | None = None  # the speaker line, words below (None: parsed another way)


LAYOUTS: tuple[Layout, ...] = (
    Layout("otter", TEXT_FORMATS, "Otter.ai (.txt, .docx), Microsoft Teams .docx", "Interviewer  0:00",
           re.compile(rf"^{_NAME}[ \t]+(?P<time>(?:\d{{1,2}}:)?\d{{1,2}}:\d{{2}})$")),
    Layout("word", TEXT_FORMATS, "Microsoft Word / Teams Transcribe", "00:00:03 Interviewer",
           re.compile(rf"^(?P<time>\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?)[ \t]+{_NAME}$")),
    Layout("time-name", TEXT_FORMATS, "Happy Scribe, Descript (timecode, then speaker)", "[00:00:03] Interviewer",
           re.compile(rf"^\[(?P<time>{_TIME})\][ \t]*(?:-[ \t]*)?{_NAME}$")),
    Layout("name-time", TEXT_FORMATS, "NVivo Transcription, Sonix, Trint (speaker, then timecode)",
           "Interviewer [00:00:03]", re.compile(rf"^{_NAME}[ \t]+[\[(](?P<time>{_TIME})[\])]$")),
    Layout("zoom", TEXT_FORMATS | {"vtt"}, "Zoom (.txt transcript; .vtt with Name: text cues)", "[Interviewer] 00:00:03",
           re.compile(rf"^\[(?P<label>[^\]\n]{{1,60}})\][ \t]+(?P<time>{_TIME})$")),
    Layout("label-line", TEXT_FORMATS, "speaker on a line of their own (Descript, oTranscribe, typed)", "Interviewer",
           re.compile(rf"^{_NAME}:?$")),
    Layout("rev", TEXT_FORMATS, "Rev, Descript", "Interviewer (00:00:03): How have…"),
    Layout("timecoded", TEXT_FORMATS, "Trint, Happy Scribe, oTranscribe", "[00:00:03] Interviewer: How have…"),
    Layout("speaker-lines", TEXT_FORMATS, "typed transcripts, most services", "Interviewer: How have…"),
    Layout("teams", frozenset({"vtt"}), "Microsoft Teams .vtt (<v Name> voice tags)", "<v Interviewer>How have…</v>"),
    Layout("subtitles", frozenset({"srt", "vtt"}), "captions with speaker labels, one turn per cue",
           "00:00:03,000 --> 00:00:05,000 / Interviewer: How have…"),
    Layout("whisper", CUE_FORMATS, "Whisper, WhisperX (.json, .srt, .vtt, .tsv)", "[SPEAKER_00]: How have…"),
)
BY_NAME = {layout.name: layout for layout in LAYOUTS}
LAYOUT_NAMES = tuple(BY_NAME)
_HEADED = tuple(layout for layout in LAYOUTS if layout.header is not None and layout.name != "label-line")


@dataclass(frozen=True)
class LayoutResult:
    parsed: ParsedTranscript
    layout: str | None  # None: no speaker labels found
    speakers: int

    def describe(self) -> str:
        """``otter layout, 2 speakers`` (for the import summary)."""
        if self.layout is None:
            return "no speaker labels"
        people = "no speakers" if not self.speakers else f"{self.speakers} speaker{'s' if self.speakers != 1 else ''}"
        return f"{self.layout} layout, {people}"


_PARTICLES = frozenset({"de", "da", "das", "do", "dos", "di", "du", "del", "della", "van", "von", "der", "den", "la", "le", "bin", "al", "y", "e"})


def _name_like(label: str) -> bool:
    """A speaker name, role or id: words capitalised or carrying a digit (name particles such as
    "de" or "van" between them), no sentence punctuation at the end; so "We met at 10:30" is prose."""
    words = label.split()
    if not words or len(label) > 60 or label[-1] in ".?!,;:…":
        return False
    return all(not w[0].islower() or (w in _PARTICLES and 0 < i < len(words) - 1) for i, w in enumerate(words))


def header_matcher(layout: Layout) -> Callable[[str], tuple[str, int, int | None] | None]:
    """The ``match_line`` for :func:`split_turns`: a header line → (label, body offset, time in ms).

    Zoom's bracketed display names may be anything people typed ("kofi.m"); other labels must look like names.
    """
    pattern = layout.header
    assert pattern is not None

    def match(line: str) -> tuple[str, int, int | None] | None:
        stripped = line.strip()
        if not stripped or len(stripped) > HEADER_MAX:
            return None
        found = pattern.match(stripped)
        if found is None:
            return None
        label = found.group("label").strip()
        if layout.name != "zoom" and not _name_like(label):
            return None
        stamp = found.groupdict().get("time")
        return label, len(line), parse_timestamp(stamp) if stamp else None

    return match


def _header_counts(text: str) -> tuple[Counter[str], Counter[str]]:
    """Speaker lines per headed layout, and how often each name stands alone on a line after a blank
    line, words below it (the label-line layout counts only the names that recur).

    Only short lines that do not end like a sentence can be speaker lines, so most
    lines of prose cost a length check.
    """
    counts: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    matchers = [(layout.name, header_matcher(layout)) for layout in _HEADED]
    bare = header_matcher(BY_NAME["label-line"])
    lines = text.split("\n")
    previous_blank = True
    for index, line in enumerate(lines):
        if len(line) > HEADER_MAX + 20:
            previous_blank = False
            continue
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        if stripped[-1] not in _SENTENCE_END:
            for name, match in matchers:
                if match(stripped) is not None:
                    counts[name] += 1
            if previous_blank and ":" not in stripped and index + 1 < len(lines) and lines[index + 1].strip():
                found = bare(stripped)
                if found is not None:
                    alone[found[0]] += 1
        previous_blank = False
    recurring = sum(n for n in alone.values() if n >= 2)
    if recurring:
        counts["label-line"] = recurring
    return counts, alone


def _classic_style(parsed: ParsedTranscript) -> str | None:
    """Which of the always-read styles a parse used (by majority of its first labelled turns); None: no labels."""
    text = parsed.text
    styles: Counter[str] = Counter()
    for turn in islice((t for t in parsed.turns if t.label is not None), 50):
        if text[turn.label_start : turn.label_start + 1] in "[(" and turn.time_start_ms is not None:
            styles["timecoded"] += 1
        elif turn.time_start_ms is not None:
            styles["rev"] += 1
        elif "\n" in text[turn.label_start : turn.body.start]:
            styles["label-line"] += 1
        else:
            styles["speaker-lines"] += 1
    return styles.most_common(1)[0][0] if styles else None


def _result(parsed: ParsedTranscript, layout: str | None) -> LayoutResult:
    speakers = len({t.label for t in parsed.turns if t.label is not None})
    if layout is not None and layout in ("rev", "timecoded", "label-line", "speaker-lines") and not speakers:
        layout = None
    return LayoutResult(parsed, layout, speakers)


def parse_layout(
    where: object,
    text: str,
    cue_times: list[tuple[int, int]] | None = None,
    fmt: str = "txt",
    layout: str | None = None,
    hint: str | None = None,
) -> LayoutResult:
    """Speaker turns of a read file in its layout: ``layout`` when given, else detected.

    ``fmt`` is the reader's format (``txt``, ``docx``, ``vtt``, ``json`` …);
    ``hint`` what the reader saw (``teams`` for WebVTT voice tags). Raises
    :class:`InputError` when a given layout does not fit the file, or when
    two layouts fit it about equally well.
    """
    if layout is not None:
        return _forced(where, text, cue_times, fmt, layout, hint)
    if fmt in CUE_FORMATS:
        return _detect_cues(text, cue_times, fmt, hint)
    counts, alone = _header_counts(text)
    classic = split_turns(text)
    best, found = counts.most_common(1)[0] if counts else ("", 0)
    labelled = sum(1 for t in classic.turns if t.label is not None) if found >= 2 else 0
    if found >= 2 and found > labelled:
        rivals = [(name, n) for name, n in counts.most_common() if name != best and n >= 2 and 2 * n >= found]
        if labelled >= 2 and 2 * labelled >= found:
            rivals.append((_classic_style(classic) or "speaker-lines", labelled))
        if rivals:
            listed = ", ".join(f"{name} ({n} speaker lines)" for name, n in [(best, found), *rivals])
            raise InputError(where, f"fits more than one transcript layout: {listed}; choose one with --layout NAME")
        recurring = frozenset(name for name, n in alone.items() if n >= 2)
        return _result(_parse_headed(text, BY_NAME[best], recurring), best)
    return _result(classic, _classic_style(classic))


def _forced(
    where: object, text: str, cue_times: list[tuple[int, int]] | None, fmt: str, name: str, hint: str | None
) -> LayoutResult:
    chosen = BY_NAME.get(name)
    if chosen is None:
        raise InputError(where, f"unknown layout {name!r}; use one of {', '.join(LAYOUT_NAMES)}")
    if fmt not in chosen.formats:
        kinds = ", ".join(f".{f}" for f in sorted(chosen.formats))
        raise InputError(where, f"the {name} layout is for {kinds} files, not .{fmt}; leave out --layout for this file")
    if fmt in CUE_FORMATS:
        if name == "whisper":
            return _result(whisper_turns(text, cue_times or []), name)
        names = _zoom_cue_names(text) if name in ("zoom", "teams") else frozenset()
        return _result(_zoom_cues(text, cue_times, names) if names else split_turns(text, cue_times), name)
    if chosen.header is None:
        parsed = split_turns(text)
    else:
        alone = frozenset(_header_counts(text)[1]) if name == "label-line" else None  # asked for: once is enough
        parsed = _parse_headed(text, chosen, alone)
    result = _result(parsed, name)
    if not result.speakers:
        raise InputError(
            where, f"has no speaker lines of the {name} layout (like {chosen.example!r}); check the file or leave out --layout"
        )
    return result


def _parse_headed(text: str, layout: Layout, names: frozenset[str] | None) -> ParsedTranscript:
    """Turns under the layout's speaker lines (``names``: the label-line layout's names)."""
    header = header_matcher(layout)
    if layout.name == "label-line":
        alone = names or frozenset()

        def match(line: str) -> tuple[str, int, int | None] | None:
            # one of the names alone on its line, or any name with a colon alone on its line (read so before, too)
            found = header(line)
            return found if found is not None and (found[0] in alone or line.rstrip().endswith(":")) else None

        return split_turns(text, match_line=match)
    parsed = split_turns(text, match_line=header)
    return _without_otter_footer(parsed) if layout.name == "otter" else parsed


def _without_otter_footer(parsed: ParsedTranscript) -> ParsedTranscript:
    """Otter ends its export with "Transcribed by https://otter.ai": not the last speaker's words."""
    if not parsed.turns or parsed.turns[-1].label is None:
        return parsed
    last = parsed.turns[-1]
    text = parsed.text
    footers = list(_OTTER_FOOTER.finditer(text, last.body.start, last.body.end))
    if not footers:
        return parsed
    footer = footers[-1]
    words = strip_span(text, last.body.start, footer.start())
    tail = strip_span(text, footer.start(), footer.end())
    turns = [*parsed.turns[:-1], ParsedTurn(last.label, last.label_start, words, last.time_start_ms, last.time_end_ms)]
    turns.append(ParsedTurn(None, tail.start, tail))
    return ParsedTranscript(text=text, turns=turns)


def _detect_cues(text: str, cue_times: list[tuple[int, int]] | None, fmt: str, hint: str | None) -> LayoutResult:
    if fmt in ("json", "tsv"):
        return _result(whisper_turns(text, cue_times or []), "whisper")
    if fmt == "vtt":
        names = _zoom_cue_names(text)  # Zoom's names, or Teams' voice tags, as people typed them
        if names:
            return _result(_zoom_cues(text, cue_times, names), hint or "zoom")
    classic = split_turns(text, cue_times)
    labelled = sum(1 for t in classic.turns if t.label is not None)
    if labelled >= 2 or (labelled and len(classic.turns) <= 3):
        return _result(classic, hint or ("zoom" if fmt == "vtt" else "subtitles"))
    return _result(whisper_turns(text, cue_times or []), "whisper")


def _zoom_cue_names(text: str) -> frozenset[str]:
    """Zoom's display names before ``: `` in its cues, as people typed them ("kofi.m"), when most cues have one.

    The classic label rule wants capitalised words; Zoom names need not be. The file is
    taken for Zoom's when names that recur start at least half its cues; then every
    cue's prefix is its speaker (Zoom names each cue; an unknown speaker has none).
    """
    lines = text.split("\n")
    prefixes: Counter[str] = Counter()
    for line in lines:
        found = _ZOOM_CUE.match(line)
        if found is not None and len(found.group("label").split()) <= 5:
            prefixes[found.group("label")] += 1
    names = frozenset(name for name in prefixes if name[-1] not in ".?!,;")
    if sum(n for name, n in prefixes.items() if n >= 2 and name in names) * 2 < len(lines):
        return frozenset()
    return names


def _zoom_cues(text: str, cue_times: list[tuple[int, int]] | None, names: frozenset[str]) -> ParsedTranscript:
    """One turn per cue, as for other subtitles, with Zoom's display names taken as speakers."""

    def match(line: str) -> tuple[str, int, int | None] | None:
        found = _ZOOM_CUE.match(line)
        if found is not None and found.group("label") in names:
            return found.group("label"), found.end(), None
        return parse_speaker_line(line)

    return split_turns(text, cue_times, match_line=match)


def whisper_turns(text: str, cue_times: list[tuple[int, int]]) -> ParsedTranscript:
    """Cue lines (one per segment) → turns: a speaker's consecutive segments join into one turn.

    A segment's speaker is its ``[SPEAKER_00]:`` prefix (WhisperX), or its
    ``Name:`` label when the file labels its cues that way; a segment without
    one continues the speaker before it. Segments with no speaker at all join
    into runs, a new one after a pause of :data:`PAUSE_MS`. The stored text
    keeps one line per segment, the speaker written once at the start of the
    turn; each turn keeps the start of its first segment and the end of its last.
    """
    lines = text.split("\n")
    plain = [parse_speaker_line(line) for line in lines]
    use_plain = sum(1 for found in plain if found is not None) >= 2
    pieces: list[str] = []
    runs: list[list] = []  # [label, label start, body start, body end, time start, time end]
    position = 0
    for index, line in enumerate(lines):
        start, end = cue_times[index] if index < len(cue_times) else (cue_times[-1] if cue_times else (0, 0))
        bracket = _BRACKET_LABEL.match(line)
        found = plain[index]
        if bracket is not None:
            label, body = bracket.group("label").strip(), line[bracket.end() :]
        elif use_plain and found is not None:
            label, body = found[0], line[found[1] :]
        else:
            label, body = None, line
        run = runs[-1] if runs else None
        joins = run is not None and (
            (label is not None and label == run[0])
            or (label is None and (run[0] is not None or start - run[5] < PAUSE_MS))
        )
        if run is not None and joins:
            pieces.append("\n" + body)
            position += 1 + len(body)
            run[3], run[5] = position, max(run[5], end)
            continue
        if pieces:
            pieces.append("\n")
            position += 1
        head = f"{label}: " if label is not None else ""
        pieces.append(head + body)
        runs.append([label, position, position + len(head), position + len(head) + len(body), start, end])
        position += len(head) + len(body)
    stored = "".join(pieces)
    turns = [
        ParsedTurn(label, label_start, strip_span(stored, body_start, body_end), started, ended)
        for label, label_start, body_start, body_end, started, ended in runs
    ]
    return ParsedTranscript(text=stored, turns=turns)


def describe_layouts(descriptions: list[str]) -> str:
    """The layouts of a batch for its summary: ``otter layout, 2 speakers`` or ``layouts: otter 3, word 1``."""
    if not descriptions:
        return ""
    if len(descriptions) == 1:
        return descriptions[0]
    names = Counter(d.split(" layout", 1)[0] if " layout" in d else "no speaker labels" for d in descriptions)
    return "layouts: " + ", ".join(f"{name} {n}" for name, n in names.most_common())
