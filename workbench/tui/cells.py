"""Terminal cell widths: how many columns a piece of text takes, measured as the terminal does.

Terminals do not agree on how wide an emoji sequence is (see
:func:`terminal_text`), so the transcript draws those sequences in a form they
all measure alike; :func:`graphemes` keeps a letter with its marks, and
:func:`middle_cut` cuts names without splitting a glyph. Right-to-left runs are
put in display order below.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from workbench.safety import for_terminal

ZWJ = "\u200d"
SKIN_TONES = range(0x1F3FB, 0x1F400)
VARIATION_SELECTORS = ("\ufe0e", "\ufe0f")


SAFE = str.maketrans({ZWJ: " ", "\ufe0f": " ", **{chr(p): " " for p in SKIN_TONES}})


def terminal_text(text: str) -> str:
    """``text`` with the same length, drawn the same width by every terminal and by Textual.

    Terminals disagree on emoji sequences: tmux and xterm draw 👍🏽 in four cells
    and a family joined by zero-width joiners in six or eight, where kitty or
    WezTerm draw two, and Textual counts two. A border after such a line moves.
    So the joiner, the skin-tone modifier and the emoji variation selector are
    drawn as a space (one cell everywhere): 👍🏽 shows as "👍 ", the family as
    its members side by side. The stored text, offsets and exports are untouched.
    Control characters are shown as their pictures (:func:`workbench.safety.for_terminal`).
    """
    text = for_terminal(text)  # control characters as their pictures (one each), as everywhere on screen
    return text if text.isascii() else text.translate(SAFE)


def graphemes(text: str) -> list[str]:
    """``text`` split into the glyphs a terminal draws (approximate extended grapheme clusters)."""
    clusters: list[str] = []
    join_next = False
    for char in text:
        point = ord(char)
        attach = clusters and (
            join_next
            or char == ZWJ
            or char in VARIATION_SELECTORS
            or point in SKIN_TONES
            or unicodedata.combining(char)
            or unicodedata.category(char) in ("Mn", "Me")
            or (0xE0020 <= point <= 0xE007F)  # tag characters (subdivision flags)
            or (_is_regional(char) and _is_regional(clusters[-1][-1]) and len(clusters[-1]) == 1)
        )
        if attach:
            clusters[-1] += char
        else:
            clusters.append(char)
        join_next = char == ZWJ
    return clusters


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def glyph_width(glyph: str) -> int:
    """Cells of one glyph: the width of its base character, two for an emoji presentation or a flag."""
    if len(glyph) == 1:
        return cell_len(glyph)
    if "\ufe0f" in glyph or ZWJ in glyph or _is_regional(glyph[0]) or any(ord(c) in SKIN_TONES for c in glyph):
        return 2
    return cell_len(glyph[0])


def text_width(text: str) -> int:
    """Cells ``text`` takes in the terminal."""
    if text.isascii():
        return len(text)
    return sum(glyph_width(g) for g in graphemes(text))


def middle_cut(name: str, room: int) -> str:
    """``name`` in at most ``room`` cells, cut in the middle so its start and end stay readable."""
    if text_width(name) <= room:
        return name
    glyphs = graphemes(name)
    head_room = room - 1 - (room - 1) // 2
    tail_room = room - 1 - head_room
    head, used = "", 0
    for glyph in glyphs:
        if used + glyph_width(glyph) > head_room:
            break
        head, used = head + glyph, used + glyph_width(glyph)
    tail, used = "", 0
    for glyph in reversed(glyphs):
        if used + glyph_width(glyph) > tail_room:
            break
        tail, used = glyph + tail, used + glyph_width(glyph)
    return head.rstrip() + "…" + tail


# Right-to-left text ----------------------------------------------------------------------------
# Most terminals (xterm, tmux, kitty, Alacritty, Windows Terminal) draw characters left to right in
# the order they are sent, so Hebrew or Arabic would read backwards. The stored text stays in
# logical order (offsets never change); only the display of a line is reordered, with a reduced
# form of the Unicode bidirectional algorithm: each character gets an embedding level (right-to-left
# letters odd, numbers inside them even again), neutrals take the direction around them, and runs
# are reversed from the highest level down (rule L2). Brackets in right-to-left runs are mirrored.

MIRRORED = dict(zip("()[]{}<>«»", ")(][}{><»«"))


def has_rtl(text: str) -> bool:
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _strong(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return "R"
    if kind == "L":
        return "L"
    if kind in ("EN", "AN"):
        return "D"  # a digit
    return "N"


def paragraph_direction(text: str) -> int:
    """0 (left to right) or 1 (right to left): the direction of the first strong character."""
    if text.isascii():
        return 0
    return 1 if next((k for k in map(_strong, text) if k in "LR"), "L") == "R" else 0


def visual_order(text: str, base: int | None = None) -> list[int]:
    """Indexes of ``text`` in the order a left-to-right terminal should draw them.

    The paragraph direction is that of the first strong character (left to
    right when there is none). Identity for text without right-to-left letters.
    """
    if not has_rtl(text):
        return list(range(len(text)))
    char_levels = bidi_levels(text, base)
    starts, position = [], 0
    for glyph in graphemes(text):  # a letter and its marks (vowel points, harakat) move together
        starts.append((position, len(glyph)))
        position += len(glyph)
    levels = [char_levels[start] for start, _ in starts]
    order = list(range(len(starts)))
    for level in range(max(levels), 0, -1):
        position = 0
        while position < len(order):
            if levels[order[position]] < level:
                position += 1
                continue
            end = position
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[position:end] = reversed(order[position:end])
            position = end
    return [start + k for cluster in order for start, size in [starts[cluster]] for k in range(size)]


def bidi_levels(text: str, base: int | None = None) -> list[int]:
    """The embedding level of each character: odd for right to left (such a bracket is drawn mirrored).

    ``base``: the paragraph's direction (a wrapped line takes its paragraph's, not its own first letter's).
    """
    kinds = [_strong(c) for c in text]
    if base is None:
        base = paragraph_direction(text)
    resolved = list(kinds)
    # Neutrals between two characters of the same direction take it; otherwise the paragraph's
    index = 0
    while index < len(resolved):
        if resolved[index] != "N":
            index += 1
            continue
        end = index
        while end < len(resolved) and resolved[end] == "N":
            end += 1
        before = _side(resolved[index - 1]) if index else ("R" if base else "L")
        after = _side(resolved[end]) if end < len(resolved) else ("R" if base else "L")
        fill = before if before == after else ("R" if base else "L")
        resolved[index:end] = [fill] * (end - index)
        index = end
    _pair_brackets(text, resolved)
    levels = []
    for kind in resolved:
        if kind == "R":
            levels.append(base + 1 if base == 0 else base)
        elif kind == "L":
            levels.append(base + 1 if base == 1 else base)
        else:  # digits: an even level above the paragraph (they read left to right inside either)
            levels.append(2 if base == 1 or _digit_in_rtl(resolved, levels) else base)
    return levels


def _pair_brackets(text: str, resolved: list[str]) -> None:
    """Both brackets of a pair take one direction (rule N0, reduced): that of the opening one."""
    opened: list[int] = []
    for index, char in enumerate(text):
        if char in "([{":
            opened.append(index)
        elif char in ")]}" and opened:
            start = opened.pop()
            if unicodedata.bidirectional(text[start]) == "ON" and resolved[start] in "LR":
                resolved[index] = resolved[start]


def _side(kind: str) -> str:
    return "R" if kind in ("R", "D") else kind


def _digit_in_rtl(resolved: list[str], levels: list[int]) -> bool:
    """A digit right after right-to-left text (at the level found so far) is a number inside it."""
    before = next((resolved[i] for i in range(len(levels) - 1, -1, -1) if resolved[i] in "LR"), "L")
    return before == "R"


def display_line(text: str, base: int | None = None) -> tuple[str, list[int]]:
    """``text`` as a left-to-right terminal should draw it, and the index in ``text`` of each drawn character."""
    order = visual_order(text, base)
    if order == list(range(len(text))):
        return text, order
    levels = bidi_levels(text, base)
    return "".join(MIRRORED.get(text[i], text[i]) if levels[i] % 2 else text[i] for i in order), order


def in_display_order(styled: list[tuple[str, Style]], base: int | None = None) -> list[Segment]:
    """Chunks of one line (logical order, each with its style) as segments in the order to draw them."""
    line = "".join(chunk for chunk, _ in styled)
    styles = [style for chunk, style in styled for _ in chunk]
    shown, order = display_line(line, base)
    segments: list[Segment] = []
    for index, char in enumerate(shown):
        style = styles[order[index]]
        if segments and segments[-1].style is style:
            segments[-1] = Segment(segments[-1].text + char, style)
        else:
            segments.append(Segment(char, style))
    return segments
