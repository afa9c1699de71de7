"""The codebook beside the transcript: a tree numbered 1–9, and the highlighted code's definition.

The first nine *visible* codable codes (in tree order, skipping the children
of collapsed codes and folders that only group codes) carry the numbers the
Coding screen's ``1``–``9`` keys use; collapsing a branch brings the next codes
into reach. Folders show a hollow square and a dimmed name.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from workbench.services.codebook.codes import CodeInfo

NUMBERED = 9


class CodebookPanel(Vertical):
    """Codebook tree plus a definition box shown on demand."""

    DEFAULT_CSS = """
    CodebookPanel > Tree { height: 1fr; }
    CodebookPanel > #code-definition { height: auto; max-height: 50%; display: none; }
    CodebookPanel.-definition > #code-definition { display: block; }
    """

    class Highlighted(Message):
        """The tree's cursor is on another code."""

        def __init__(self, code: CodeInfo | None) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.codes: list[CodeInfo] = []
        self.counts: dict[str, int] = {}
        self._code_nodes: dict[str, TreeNode[CodeInfo]] = {}
        self._numbers: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        tree: Tree[CodeInfo] = Tree("Codebook", id="codebook-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree
        yield Static(id="code-definition")

    @property
    def code_tree(self) -> Tree[CodeInfo]:
        return self.query_one(Tree)

    # Data -----------------------------------------------------------------------------
    def set_codes(self, codes: list[CodeInfo]) -> None:
        """(Re)build the tree, keeping which codes were collapsed and where the cursor was."""
        collapsed = {key for key, node in self._code_nodes.items() if not node.is_expanded and node.children}
        current = self.highlighted
        tree = self.code_tree
        tree.clear()
        self.codes = codes
        self._code_nodes = {}
        for code in codes:
            parent = self._code_nodes.get(code.parent_key) if code.parent_key else None
            node = (parent or tree.root).add(code.name, data=code, expand=code.key not in collapsed, allow_expand=False)
            self._code_nodes[code.key] = node
        for node in self._code_nodes.values():
            node.allow_expand = bool(node.children)
        self._renumber()
        if current is not None and current.key in self._code_nodes:
            tree.move_cursor(self._code_nodes[current.key])
        elif codes:
            tree.cursor_line = 0
        self._show_definition()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Codings per code on the open source (shown after each name)."""
        changed = {key for key in counts.keys() | self.counts.keys() if counts.get(key) != self.counts.get(key)}
        if changed:
            self.counts = counts
            self._relabel(changed)

    def visible_codes(self) -> list[CodeInfo]:
        found: list[CodeInfo] = []

        def walk(node: TreeNode[CodeInfo]) -> None:
            for child in node.children:
                if child.data is not None:
                    found.append(child.data)
                if child.is_expanded:
                    walk(child)

        walk(self.code_tree.root)
        return found

    def numbered(self) -> list[CodeInfo]:
        return [code for code in self.visible_codes() if code.codable][:NUMBERED]

    def code_for_number(self, number: int) -> CodeInfo | None:
        codes = self.numbered()
        return codes[number - 1] if 1 <= number <= len(codes) else None

    @property
    def highlighted(self) -> CodeInfo | None:
        try:
            node = self.code_tree.cursor_node
        except Exception:  # noqa: BLE001 - before the tree is mounted
            return None
        return node.data if node is not None else None

    def toggle_definition(self) -> bool:
        self.toggle_class("-definition")
        self._show_definition()
        return self.has_class("-definition")

    # Rendering -----------------------------------------------------------------------------
    def _renumber(self) -> None:
        self._numbers = {code.key: number for number, code in enumerate(self.numbered(), start=1)}
        self._relabel()

    def _relabel(self, keys: set[str] | None = None) -> None:
        for key, node in self._code_nodes.items():
            if keys is not None and key not in keys:
                continue
            code = node.data
            assert code is not None
            label = Text()
            number = self._numbers.get(key)
            label.append(f"{number} " if number else "  ", style="bold")
            label.append("■ " if code.codable else "□ ", style=code.colour or "")
            label.append(code.name, style="" if code.codable else "dim italic")
            if self.counts.get(key):
                label.append(f" {self.counts[key]}", style="dim")
            node.set_label(label)

    def _show_definition(self) -> None:
        box = self.query_one("#code-definition", Static)
        code = self.highlighted
        if code is None or not self.has_class("-definition"):
            box.update("")
            return
        text = Text()
        text.append(code.path, style="bold")
        text.append(f"  [{code.key}] {code.origin}\n", style="dim")
        for title, value in (("Definition", code.definition), ("Use when", code.when_to_use),
                             ("Not when", code.when_not_to_use), ("Example", code.example)):
            if value:
                text.append(f"{title}: ", style="bold")
                text.append(value.strip() + "\n")
        if code.keywords:
            text.append("Keywords: ", style="bold")
            text.append(", ".join(code.keywords))
        box.update(text)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[CodeInfo]) -> None:
        event.stop()
        self.call_after_refresh(self._renumber)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[CodeInfo]) -> None:
        event.stop()
        self.call_after_refresh(self._renumber)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[CodeInfo]) -> None:
        event.stop()
        self._show_definition()
        self.post_message(self.Highlighted(event.node.data))
