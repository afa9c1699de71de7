"""Help: every binding of the screen it was opened from, read from the bindings themselves.

:func:`collect_bindings` walks the App, the screen and the screen's own
widgets (those of this package) and returns each binding with the node that
runs it; the help table and the command palette are both built from it, so
neither can drift from the keys that really work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

COLUMNS = ("Key", "Does", "Details", "Where", "Id")
MIN_DETAILS = 30  # cells; below that the Id column, then the Where column, are left out

SCOPE_NAMES = {"App": "everywhere", "TranscriptView": "transcript", "MemoEditor": "memo", "CodebookPanel": "codebook"}


@dataclass(frozen=True)
class BindingEntry:
    scope: str
    node: DOMNode
    binding: Binding

    @property
    def keys(self) -> str:
        app = self.node.app
        return ", ".join(app.get_key_display(Binding(key, self.binding.action))
                         for key in self.binding.key.split(","))

    @property
    def title(self) -> str:
        return self.binding.description or self.binding.action.replace("_", " ")


def _scope(node: DOMNode) -> str:
    name = type(node).__name__
    if isinstance(node, Screen):
        return "screen"
    return SCOPE_NAMES.get(name, name)


def collect_bindings(screen: Screen) -> list[BindingEntry]:
    """Bindings of ``screen``, its widgets from this package, and the App (not Textual's system ones)."""
    nodes: list[DOMNode] = [screen]
    # Widgets of this package that declare keys of their own (a SearchBar only inherits Input's editing keys)
    nodes += [w for w in screen.query("*") if type(w).__module__.startswith("workbench.") and "BINDINGS" in vars(type(w))]
    nodes.append(screen.app)
    entries: list[BindingEntry] = []
    seen: set[tuple[str, str]] = set()
    for node in nodes:
        scope = _scope(node)
        for binding in _bindings_of(node):
            if binding.system or (binding.id or binding.action, binding.key) in seen:
                continue
            seen.add((binding.id or binding.action, binding.key))
            entries.append(BindingEntry(scope, node, binding))
    return entries


def _bindings_of(node: DOMNode) -> list[Binding]:
    found: dict[int, Binding] = {}
    for bindings in node._bindings.key_to_bindings.values():
        for binding in bindings:
            found.setdefault(id(binding), binding)
    merged: dict[tuple[str, str | None], Binding] = {}
    for binding in found.values():  # one row per binding, keys joined ("down, j")
        key = (binding.action, binding.id)
        if key in merged:
            merged[key] = replace(merged[key], key=f"{merged[key].key},{binding.key}")
        else:
            merged[key] = binding
    return list(merged.values())


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, with what they do."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close", tooltip="Back to the screen you came from"),
    ]

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self.origin = origin
        self.entries = collect_bindings(origin)

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Label(f"Keys — {type(self.origin).__name__.removesuffix('Screen')} screen · "
                        "Esc closes · Ctrl+P: as commands",
                        id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        rows = [(e.keys, e.title, e.binding.tooltip, e.scope, e.binding.id or "") for e in self.entries]
        widths = [max([cell_len(r[i]) for r in rows] + [len(h)]) for i, h in enumerate(COLUMNS)]
        # Inside the help box (94% wide, a border and padding on each side, a scrollbar)
        room = int(self.app.size.width * 0.94) - 4 - 2 - 3
        shown = list(range(len(COLUMNS)))
        def details_room() -> int:
            return room - sum(widths[i] for i in shown if i != 2) - 2 * len(shown)

        for column in (4, 3):  # the binding ids give way first (they are for remapping keys), then the scope
            if details_room() < MIN_DETAILS:
                shown.remove(column)
        details = max(MIN_DETAILS, details_room())
        for i in shown:
            table.add_column(COLUMNS[i], width=details if i == 2 else widths[i])
        for row in rows:
            cells = [Text(row[i]) for i in shown]
            lines = len(Text(row[2]).wrap(self.app.console, details))
            table.add_row(*cells, height=max(1, lines))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
