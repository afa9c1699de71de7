"""Nothing from the project reaches the terminal raw in the TUI (see :mod:`workbench.safety`).

Two layers, both installed by the App:

* Every ``Content`` Textual builds (labels, trees, notifications, the header, panels:
  anything made from a ``str``) passes its text through
  ``textual.content._strip_control_codes``, and every Rich ``Text`` (table cells) through
  ``rich.text.strip_control_codes``; both drop BEL, BS, VT, FF and CR and let ESC
  through. :func:`install` makes both show every control character as its
  one-character picture instead (``␛``), so widths are measured on what is shown.
  (Names inside Textual and Rich: ``tests/tui/test_terminal_safety.py`` fails if an
  upgrade moves them.)
* :class:`ControlFilter`, a line filter on every rendered line, removes any control
  character still left in a segment's text (from a renderable that bypassed
  ``Content``). A control character has no width, so removing it moves nothing.

The Coding screen's transcript is drawn segment by segment; it shows stored text
through :func:`workbench.safety.for_terminal` itself (one character for one, so a
screen column is still a stored offset).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import text as _rich_text
from rich.segment import Segment
from textual import content as _content
from textual.color import Color
from textual.filter import LineFilter

from workbench.safety import CONTROL_PICTURES

_DROP = {code: None for code in CONTROL_PICTURES}


def _show_control_codes(text: str, _translate_table: Mapping[int, str | None] = CONTROL_PICTURES) -> str:
    """In place of Textual's and Rich's ``strip_control_codes`` (same parameters, so any call of theirs fits)."""
    return text.translate(_translate_table)


def install() -> None:
    """Make every Textual ``Content`` show control characters as pictures (idempotent)."""
    _content._strip_control_codes = _show_control_codes
    _rich_text.strip_control_codes = _show_control_codes


class ControlFilter(LineFilter):
    """The last guard: no control character in any segment's text reaches the terminal."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text.translate(_DROP), style, control) if not control and _has_control(text) else segment
            for segment in segments
            for text, style, control in (segment,)
        ]


def _has_control(text: str) -> bool:
    return not text.isprintable() and text.translate(_DROP) != text
