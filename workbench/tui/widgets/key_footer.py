"""The footer of every screen: its keys, wrapped onto a second row rather than cut off at 80 columns.

Textual's ``Footer`` lays its keys out on one row and drops whatever does not
fit. :class:`KeyFooter` lays out the same active bindings (grouped by action,
as the Footer does) into at most ``MAX_ROWS`` rows of the terminal's width, in
the order the screen declares them, so the first-declared keys are the ones
that stay. When even that is not enough, the lowest keys give way to ``? All
keys``; ``?`` (Help) always lists every key. A click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

MAX_ROWS = 2
GAP = 2  # cells between two keys
HELP_ACTION = "help"
NON_TYPING_KEYS = ("enter", "escape", "tab", "ctrl+s")


@dataclass(frozen=True)
class FooterItem:
    key: str  # the key pressed when the item is clicked
    display: str  # how the key is shown ("1-9", "^z", "?")
    label: str
    enabled: bool = True

    @property
    def width(self) -> int:
        return cell_len(self.display) + 1 + cell_len(self.label)


def layout_items(others: list[FooterItem], width: int, help_item: FooterItem | None = None,
                 rows: int = MAX_ROWS) -> list[list[FooterItem]]:
    """Items in declared order, then the Help item, filled into at most ``rows`` rows of ``width`` cells.

    The Help item always stays; items that do not fit are left out from the
    end, and the Help item then reads "All keys" so the user knows where they went.
    """

    def fill(candidates: list[FooterItem]) -> list[list[FooterItem]] | None:
        lines: list[list[FooterItem]] = [[]]
        used = 0
        for item in candidates:
            need = item.width + (GAP if lines[-1] else 0)
            if used + need > width and lines[-1]:
                if len(lines) == rows:
                    return None
                lines.append([])
                used, need = 0, item.width
            lines[-1].append(item)
            used += need
        return lines

    full = fill(others + ([help_item] if help_item else []))
    if full is not None:
        return full
    more = FooterItem("question_mark", "?", "All keys") if help_item is None else \
        FooterItem(help_item.key, help_item.display, "All keys", help_item.enabled)
    for keep in range(len(others) - 1, -1, -1):
        lines = fill(others[:keep] + [more])
        if lines is not None:
            return lines
    return [[more]]


class KeyFooter(Widget, can_focus=False):
    """The keys of the current screen, on one or two rows at the bottom."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyFooter > .key-footer--disabled {
        text-style: dim;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[list[FooterItem]] = []
        self._items: tuple[list[FooterItem], FooterItem | None] = ([], None)

    @property
    def rows(self) -> tuple[tuple[FooterItem, ...], ...]:
        """The keys as last drawn, row by row (a click is mapped onto these); read-only."""
        return tuple(tuple(line) for line in self._lines)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # Read the bindings only once the screen says they changed (as Textual's Footer does):
        # a screen's check_action may look up widgets that are not mounted before that.
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._read_items)

    def _read_items(self) -> None:
        if not self.is_attached:
            return
        items = self.items()
        if items != self._items:
            self._items = items
            self.refresh(layout=True)

    def items(self) -> tuple[list[FooterItem], FooterItem | None]:
        """The shown bindings of the screen, one item per action, in declared order; and the Help item."""
        seen: dict[str, FooterItem] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen[binding.action] = FooterItem(binding.key, self._display(binding), binding.description, enabled)
        items = [i for a, i in seen.items() if a not in (HELP_ACTION, "command_palette")]
        if not items:  # a text box has focus, so the letter keys type: show the keys that still act
            items = self._non_typing_items()
        return items, seen.get(HELP_ACTION)

    def _non_typing_items(self) -> list[FooterItem]:
        found: dict[str, FooterItem] = {}
        for key in NON_TYPING_KEYS:
            for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
                if binding.key == key and binding.description and binding.action not in found:
                    found[binding.action] = FooterItem(key, self._display(binding), binding.description, enabled)
        return list(found.values())

    def _display(self, binding: Binding) -> str:
        return self.app.get_key_display(binding)

    def _layout(self, width: int) -> list[list[FooterItem]]:
        items, help_item = self._items
        return layout_items(items, max(width, 10), help_item)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self._layout(width)))

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        self._lines = self._layout(width)
        key_style = self.get_component_rich_style("key-footer--key")
        off_style = self.get_component_rich_style("key-footer--disabled")
        text = Text(no_wrap=True, overflow="crop")
        for n, line in enumerate(self._lines):
            if n:
                text.append("\n")
            for m, item in enumerate(line):
                if m:
                    text.append(" " * GAP)
                text.append(item.display, key_style if item.enabled else off_style)
                text.append(" " + item.label, None if item.enabled else off_style)
        return text

    def on_click(self, event: events.Click) -> None:
        row = event.y
        if not 0 <= row < len(self._lines):
            return
        x = event.x - self.styles.padding.left
        for item in self._lines[row]:
            if 0 <= x < item.width:
                if item.enabled:
                    self.app.simulate_key(item.key.split(",")[0])
                return
            x -= item.width + GAP
