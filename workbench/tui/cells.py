"""Terminal cell widths: how many columns a piece of text takes, measured as the terminal does.

Rich measures a string character by character, so an emoji with a skin-tone
modifier (👍🏽) or a family joined by zero-width joiners (👨‍👩‍👧) counts as two,
four or eight cells where the terminal draws one double-width glyph. The
helpers here measure by grapheme cluster (a base character with its
modifiers, variation selectors and joined characters is one glyph), so lines
wrap where the terminal wraps them and panel borders stay straight.
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len

ZWJ = "\u200d"
SKIN_TONES = range(0x1F3FB, 0x1F400)
VARIATION_SELECTORS = ("\ufe0e", "\ufe0f")


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
