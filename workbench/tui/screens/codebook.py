"""The Codebook screen: the code tree with counts, one code's details, and every edit.

Reads run in a thread worker that posts :class:`CodebookScreen.Loaded`; each
edit is an async worker that asks its questions in modals and awaits the
service call in the App's writer (:mod:`workbench.tui.writer`), so the event
loop never waits on the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static, Tree
from textual.worker import get_current_worker

from workbench.errors import ConflictError
from workbench.services.codebook import edit
from workbench.services.codebook.codes import CodeInfo
from workbench.store.engine import Project
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_form import CodeChoice, CodeFields, CodeForm, CodeTargetPicker
from workbench.tui.widgets.confirm import ConfirmScreen
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.writer import NOT_DONE


class CodebookScreen(WorkbenchScreen):
    """Browse and edit the project's codebook."""

    ERROR_TITLE = "Codebook"

    DEFAULT_CSS = """
    CodebookScreen #codebook-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    CodebookScreen #codebook-body {
        height: 1fr;
    }
    CodebookScreen #codebook-codes {
        width: 1fr;
        min-width: 30;
        border-right: vkey $border-blurred;
    }
    CodebookScreen #codebook-detail {
        width: 1fr;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("n", "new_code", "New", id="codebook.new", tooltip="Create a code under the selected one"),
        Binding("N", "new_top_code", "New top", show=False, id="codebook.new-top", tooltip="Create a top-level code"),
        Binding("e", "edit_code", "Edit", id="codebook.edit", tooltip="Edit every field of the selected code"),
        Binding("r", "rename_code", "Rename", id="codebook.rename", tooltip="Rename the selected code (its id stays)"),
        Binding("m", "move_code", "Move", id="codebook.move", tooltip="Move the selected code under another parent"),
        Binding("M", "merge_code", "Merge", id="codebook.merge", tooltip="Merge the selected code into another one"),
        Binding("d", "delete_code", "Delete", id="codebook.delete", tooltip="Delete the selected code and its codings"),
        Binding("s", "show_segments", "Segments", show=False, id="codebook.segments", tooltip="Retrieve the selected code's segments"),
        Binding("q,escape", "back", "Back", show=False, id="codebook.back", tooltip="Leave the codebook"),
    ]

    class Loaded(Message):
        """The codebook as read by the loading worker."""

        def __init__(self, codes: list[CodeInfo], select: str | None) -> None:
            super().__init__()
            self.codes = codes
            self.select = select

    def __init__(self, select: str | None = None) -> None:
        super().__init__()
        self._codes: dict[str, CodeInfo] = {}
        self._tree_nodes: dict[str, Any] = {}
        self._loaded = False
        self._first_select = select  # a code to show first (a merge conflict, say)

    def compose(self) -> ComposeResult:
        yield Static("Codebook · loading…", id="codebook-title", markup=False)
        with Horizontal(id="codebook-body"):
            tree: Tree[str] = Tree("Codebook", id="codebook-codes")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="codebook-detail"):
                yield Static(id="codebook-detail-text", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.reload(self._first_select)

    @property
    def selected(self) -> CodeInfo | None:
        node = self.query_one(Tree).cursor_node
        return self._codes.get(node.data) if node is not None and node.data else None

    def select_code(self, key: str) -> bool:
        """Move the tree's cursor to a code; False when the code is not shown."""
        node = self._tree_nodes.get(key)
        if node is None:
            return False
        self._reveal(node)
        return True

    def _reveal(self, node: Any) -> None:
        """Expand the node's ancestors and put the cursor on it."""
        tree = self.query_one(Tree)
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        _ = tree.last_line  # lays the lines out again, so the node knows its line
        tree.move_cursor(node)

    # Loading ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="codebook-load")
    def reload(self, select: str | None = None) -> None:
        """Read the codebook in a thread; the tree is rebuilt when :class:`Loaded` arrives."""
        coder = self.context.visible_coder
        codes = edit.all_codes(self.project, coder=coder)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(codes, select))

    def on_screen_resume(self) -> None:
        """Back from another screen (coding, retrieval): counts may have changed."""
        if self._loaded:
            self.reload()

    def on_codebook_screen_loaded(self, message: Loaded) -> None:
        tree: Tree[str] = self.query_one(Tree)
        keep = message.select or (self.selected.key if self.selected else None)
        collapsed = {key for key, node in self._tree_nodes.items() if node.allow_expand and not node.is_expanded}
        self._codes = {code.key: code for code in message.codes}
        self._loaded = True
        self._tree_nodes = {}
        tree.clear()
        for code in message.codes:
            parent = self._tree_nodes.get(code.parent_key, tree.root) if code.parent_key else tree.root
            self._tree_nodes[code.key] = parent.add(_tree_label(code), data=code.key, expand=code.key not in collapsed)
        for node in self._tree_nodes.values():
            node.allow_expand = bool(node.children)
        total = sum(code.codings for code in message.codes)
        blind = " (yours)" if self.context.visible_coder else ""
        self.query_one("#codebook-title", Static).update(f"Codebook · {len(message.codes)} codes · {total} codings{blind}")
        target = self._tree_nodes.get(keep or "") or (tree.root.children[0] if tree.root.children else None)
        self.call_after_refresh(self._highlight, target)

    def _highlight(self, node: Any) -> None:
        if node is not None:
            self._reveal(node)
        self._show_detail(self.selected)

    @on(Tree.NodeHighlighted)
    def _highlighted(self) -> None:
        self._show_detail(self.selected)

    def _show_detail(self, code: CodeInfo | None) -> None:
        self.query_one("#codebook-detail-text", Static).update(
            _detail(code) if code else "No codes yet. Press n to create one."
        )

    # Edits -------------------------------------------------------------------

    def action_new_code(self) -> None:
        self._create(self.selected)

    def action_new_top_code(self) -> None:
        self._create(None)

    @work(exit_on_error=False, group="codebook-edit")
    async def _create(self, parent: CodeInfo | None) -> None:
        where = f"under {parent.name}" if parent else "at the top level"
        fields = await self.app.push_screen_wait(CodeForm(f"New code {where}"))
        if fields is None:
            return
        coder = self.context.coder
        values = fields.as_kwargs()
        name = fields.name

        def create(project: Project) -> CodeInfo:
            return edit.create_code(project, parent_key=parent.key if parent else None, coder=coder, **values)

        created = await self._change(create, f"Created {name}")
        if created is not None:
            self.reload(created.key)

    @work(exit_on_error=False, group="codebook-edit")
    async def action_edit_code(self) -> None:
        code = self._require_selection()
        if code is None:
            return
        draft, theirs, version = _fields(code), None, code.version
        while True:  # refused by the version check: the form comes back with the user's text and theirs beside it
            fields = await self.app.push_screen_wait(CodeForm(f"Edit {code.name} ({code.key})", draft, theirs))
            if fields is None:
                break
            try:
                saved = await self.writer.run(
                    lambda: edit.update_code(self.project, code.key, expected_version=version, **fields.as_kwargs()),
                    title=self.ERROR_TITLE, expect=(ConflictError,),
                )
            except ConflictError:
                latest = await self._change(lambda p: edit.get_code(p, code.key))
                if latest is None:
                    break
                draft, theirs, version = fields, _fields(latest), latest.version
                continue
            if saved is not NOT_DONE:
                self.notify(f"Saved {fields.name}", markup=False)
            break
        self.reload(code.key)

    @work(exit_on_error=False, group="codebook-edit")
    async def action_rename_code(self) -> None:
        code = self._require_selection()
        if code is None:
            return
        name = await self.app.push_screen_wait(NamePrompt(f"Rename {code.name} (its id {code.key} stays)", code.name))
        if name is None or name == code.name:
            return
        await self._change(
            lambda p: edit.rename_code(p, code.key, name, expected_version=code.version), f"Renamed to {name}"
        )
        self.reload(code.key)

    @work(exit_on_error=False, group="codebook-edit")
    async def action_move_code(self) -> None:
        code = self._require_selection()
        if code is None:
            return
        branch = self._branch(code.key)
        choices = [CodeChoice(None, "(top level)")] + [_choice(c) for c in self._codes.values() if c.key not in branch]
        picked = await self.app.push_screen_wait(CodeTargetPicker(f"Move {code.name} under…", choices))
        if picked is None or picked.key == code.parent_key:
            return
        await self._change(
            lambda p: edit.move_code(p, code.key, picked.key, expected_version=code.version),
            f"Moved {code.name} under {picked.label}" if picked.key else f"Moved {code.name} to the top level",
        )
        self.reload(code.key)

    @work(exit_on_error=False, group="codebook-edit")
    async def action_merge_code(self) -> None:
        code = self._require_selection()
        if code is None:
            return
        branch = self._branch(code.key)
        choices = [_choice(c) for c in self._codes.values() if c.key not in branch]
        picked = await self.app.push_screen_wait(CodeTargetPicker(f"Merge {code.name} into…", choices))
        if picked is None or picked.key is None:
            return
        target = picked.key
        count = await self._change(lambda p: edit.codings_count(p, code.key))
        if count is None:
            return
        children = len(branch) - 1
        moving = f" and its {children} sub-code(s)" if children else ""
        question = (
            f"{count} coding(s){moving} of {code.name} move to {picked.label}; codings the target already has "
            f"(same coder and span) collapse into one. {code.name} is then deleted."
        )
        if not await self.app.push_screen_wait(ConfirmScreen(f"Merge {code.name} into {picked.label}?", question, "Merge")):
            return
        report = await self._change(lambda p: edit.merge_codes(p, code.key, target))
        if report is not None:
            self.notify(
                f"Merged {code.name} into {picked.label}: {report.codings_moved} moved, {report.codings_collapsed} collapsed",
                markup=False,
            )
        self.reload(picked.key)

    @work(exit_on_error=False, group="codebook-edit")
    async def action_delete_code(self) -> None:
        code = self._require_selection()
        if code is None:
            return
        count = await self._change(lambda p: edit.codings_count(p, code.key, include_children=True))
        if count is None:
            return
        children = len(self._branch(code.key)) - 1
        parts = [f"{children} sub-code(s)"] if children else []
        parts += [f"{count} coding(s) by all coders"] if count else []
        takes = f" It takes {' and '.join(parts)} with it." if parts else " It has no codings."
        question = f"Delete {code.name} ({code.key})?{takes} This cannot be undone."
        if not await self.app.push_screen_wait(ConfirmScreen(f"Delete {code.name}?", question, "Delete")):
            return
        report = await self._change(
            lambda p: edit.delete_code(p, code.key, cascade=children > 0, expected_version=code.version)
        )
        if report is not None:
            self.notify(f"Deleted {code.name} ({report.codings_deleted} coding(s))", markup=False)
        self.reload(code.parent_key)

    def action_show_segments(self) -> None:
        code = self._require_selection()
        if code is not None:
            from workbench.tui.screens.retrieve import RetrieveScreen

            self.app.push_screen(RetrieveScreen([code.key]))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # Helpers -------------------------------------------------------------------

    async def _change(self, operation: Callable[[Project], Any], done: str | None = None) -> Any:
        """Run a service call in the App's writer; a WorkbenchError becomes a notification and None."""
        project = self.project
        result = await self.writer.run(lambda: operation(project), title=self.ERROR_TITLE, done=done)
        return None if result is NOT_DONE else result

    def _require_selection(self) -> CodeInfo | None:
        code = self.selected
        if code is None:
            self.notify("Select a code first", severity="warning")
        return code

    def _branch(self, key: str) -> set[str]:
        """The code and every code below it."""
        branch, changed = {key}, True
        while changed:
            below = {c.key for c in self._codes.values() if c.parent_key in branch}
            changed = not below <= branch
            branch |= below
        return branch



def _tree_label(code: CodeInfo) -> Text:
    return Text.assemble(
        ("■ ", code.colour or "grey50"),
        code.name,
        (f"  {code.codings}", "dim") if code.codings else "",
    )


def _choice(code: CodeInfo) -> CodeChoice:
    return CodeChoice(code.key, code.name, code.depth, code.colour)


def _fields(code: CodeInfo) -> CodeFields:
    return CodeFields(
        code.name, code.definition, code.when_to_use, code.when_not_to_use, code.example, code.keywords, code.colour,
        code.codable,
    )


def _detail(code: CodeInfo) -> Content:
    parts: list[str | tuple[str, str] | Content] = [
        ("■ ", code.colour or "grey50"),
        (code.name, "bold"),
        "\n",
        (f"{code.key} · {code.origin}{'' if code.codable else ' · folder (not codable)'} · {code.codings} coding(s) · "
         f"{code.colour or 'no colour'}\n", "dim"),
    ]
    if code.depth:
        parts.append((f"{code.path}\n", "dim italic"))
    for title, value in (
        ("Definition", code.definition),
        ("When to use", code.when_to_use),
        ("When not to use", code.when_not_to_use),
        ("Example", code.example),
        ("Keywords", ", ".join(code.keywords)),
    ):
        parts += ["\n", (f"{title}\n", "bold underline"), value if value else ("—", "dim"), "\n"]
    return Content.assemble(*parts)
