"""Terminal cells: glyphs, emoji drawn alike everywhere, right-to-left display order, footer rows, cut names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from workbench.services.themes.categories import free_prefix
from workbench.tui.cells import (
    display_line,
    graphemes,
    middle_cut,
    terminal_text,
    text_width,
    visual_order,
)
from workbench.tui.widgets.key_footer import FooterItem, layout_items
from workbench.tui.widgets.transcript_model import wrap

THUMB = "👍🏽"  # thumbs up + medium skin tone
FAMILY = "👨\u200d👩\u200d👧\u200d👦"


def test_a_glyph_keeps_its_modifiers_and_joined_members():
    assert graphemes(f"a{THUMB}b{FAMILY}🇬🇧é") == ["a", THUMB, "b", FAMILY, "🇬🇧", "é"]
    assert graphemes("שָׁלוֹם") == ["שָׁ", "ל", "וֹ", "ם"]  # vowel points stay on their letter


def test_emoji_sequences_are_drawn_in_a_form_every_terminal_measures_alike():
    shown = terminal_text(f"ok {THUMB} {FAMILY} ❤️")
    assert len(shown) == len(f"ok {THUMB} {FAMILY} ❤️")  # offsets stay one to one
    assert shown == "ok 👍  👨 👩 👧 👦 ❤ "
    # each character alone is as wide as Textual counts the whole: no terminal can disagree
    assert sum(cell_len(c) for c in shown) == cell_len(shown)


def test_wrap_counts_cells_as_drawn_so_a_line_of_emoji_never_passes_the_border():
    text = (THUMB * 10) + " " + (FAMILY + " ") * 4
    for width in (8, 11, 20, 37):
        for start, end in wrap(text, 0, len(text), width):
            assert sum(cell_len(c) for c in terminal_text(text[start:end])) <= width


def test_right_to_left_runs_are_drawn_in_display_order():
    assert display_line("He said שלום עולם today", 0)[0] == "He said םלוע םולש today"
    assert display_line("שלום 123 עולם")[0] == "םלוע 123 םולש"  # numbers still read left to right
    assert display_line("עולם, זה עובד (123) — and", 0)[0] == "(123) דבוע הז ,םלוע — and"
    assert display_line("مرحبا (عالم)")[0] == "(ملاع) ابحرم"  # brackets mirrored
    assert display_line("plain English (with brackets)")[0] == "plain English (with brackets)"


@given(st.text(alphabet=st.sampled_from("ab (1)שלוםمرحبا,.\u05b8") , max_size=40), st.sampled_from([None, 0, 1]))
def test_display_order_is_a_permutation(text, base):
    order = visual_order(text, base)
    assert sorted(order) == list(range(len(text)))
    assert len(display_line(text, base)[0]) == len(text)


def test_names_are_cut_in_the_middle_and_fit():
    assert middle_cut("FG2-supervisors-long-session-2025", 15) == "FG2-sup…on-2025"
    assert middle_cut("P01", 15) == "P01"
    assert text_width(middle_cut("日本語のインタビュー記録", 9)) <= 9


def test_footer_keeps_help_and_fills_two_rows_in_declared_order():
    items = [FooterItem(k, k, label) for k, label in
             [("1", "Keep first"), ("2", "Keep second"), ("u", "Union"), ("i", "Intersection"), ("x", "Neither"),
              ("e", "Edit span"), ("n", "Note"), ("d", "Definition"), ("z", "Undo"), ("]", "Next open"),
              ("esc", "Codes"), ("q", "Leave")]]
    help_item = FooterItem("question_mark", "?", "Help")
    rows = layout_items(items, 78, help_item)
    assert len(rows) == 2 and [i for row in rows for i in row] == [*items, help_item]
    assert all(sum(i.width for i in row) + 2 * (len(row) - 1) <= 78 for row in rows)
    narrow = layout_items(items, 40, help_item)  # too many for two rows of 40: the last give way to "? All keys"
    flat = [i for row in narrow for i in row]
    assert flat[-1].label == "All keys" and flat[:-1] == items[: len(flat) - 1]


def test_a_new_theme_type_gets_a_free_prefix():
    assert free_prefix("neutral", ["F", "B"]) == "N"
    assert free_prefix("neutral", ["F", "B", "N"]) == "Ne"
    assert free_prefix("Ambivalent", ["A", "Am", "Amb"]) == "Ambi"
    assert free_prefix("…", ["A"]) == "B"


def test_a_label_goes_on_the_line_where_its_text_starts():
    from types import SimpleNamespace

    from workbench.tui.widgets.transcript_model import Layout

    text = "P01: First sentence here. Second one on the next line."
    turn = SimpleNamespace(label_start=0, start=5, end=len(text))
    layout = Layout(SimpleNamespace(text=text, turns=[turn]), 20)  # type: ignore[arg-type]
    second = text.index("Second")
    # a suggestion whose span starts on the space before "Second" belongs to Second's line
    assert layout.row_of(second - 1) != layout.row_of(second)
    assert layout.label_row(text, second - 1, len(text)) == layout.row_of(second)
