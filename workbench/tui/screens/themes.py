"""The Themes screen: categories and their themes, one theme's make-up, and its coded segments to star as exemplars.

Left, a tree of categories with their themes (pairs such as F1 / B1 sit
under one category). Right, the highlighted theme (type, category,
description, codes, dimensions) over the coded segments of its codes, where
``*`` stars or unstars a segment as an exemplar quote. Every read runs in a
thread worker that posts a message; every edit asks its questions in modals
and runs the service call in the App's writer, then reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static, Tree
from textual.widgets.option_list import Option

from workbench.services.codebook.codes import CodeInfo
from workbench.services.themes import categories as theme_categories
from workbench.services.themes import edit as service
from workbench.services.themes import rollups
from workbench.services.themes.categories import CategoryInfo, ThemeTypeInfo
from workbench.services.themes.edit import Dimension, ThemeInfo
from workbench.services.themes.rollups import ThemeSegment
from workbench.store.engine import Project
from workbench.tui.exports import export_themes_docx
from workbench.tui.render import category_detail, theme_detail, theme_segment_prompt
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_picker import Picker, TypePicker
from workbench.tui.widgets.confirm import ConfirmScreen
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.widgets.text_prompt import TextPrompt
from workbench.tui.writer import NOT_DONE

TYPE_COLOURS = ("green", "red", "blue", "magenta", "yellow", "cyan")
NEW, NONE, DERIVED = "\x00new", "\x00none", "\x00derived"


class ThemesScreen(WorkbenchScreen):
    """Create and arrange themes, assign their codes and pick their exemplar quotes."""

    ERROR_TITLE = "Themes"

    DEFAULT_CSS = """
    ThemesScreen #themes-title { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    ThemesScreen #themes-body { height: 1fr; }
    ThemesScreen #themes-tree { width: 1fr; min-width: 30; border-right: vkey $border-blurred; overflow-x: hidden; }
    ThemesScreen #themes-right { width: 2fr; }
    ThemesScreen #themes-detail { height: 2fr; padding: 0 1; }
    ThemesScreen #themes-segments { height: 3fr; border-top: hkey $border-blurred; }
    """

    BINDINGS = [
        Binding("n", "new_theme", "New theme", id="themes.new", tooltip="Create a theme in the highlighted category"),
        Binding("N", "new_category", "New category", show=False, id="themes.new_category",
                tooltip="Create a higher-order category to pair themes under"),
        Binding("r", "rename", "Rename", id="themes.rename", tooltip="Rename the highlighted theme or category"),
        Binding("e", "describe", "Describe", id="themes.describe", tooltip="Write the description of the theme or category"),
        Binding("y", "set_type", "Type", id="themes.type", tooltip="Change the theme's type (facilitator, barrier, ...); it is relabelled"),
        Binding("g", "set_category", "Category", id="themes.category", tooltip="Put the theme under a category (pair it)"),
        Binding("c", "codes", "Codes", id="themes.codes", tooltip="Add or remove a code of the theme"),
        Binding("v", "dimensions", "Dimensions", show=False, id="themes.dimensions",
                tooltip="Override the theme's dimensions, or go back to those derived from its codes"),
        Binding("asterisk", "star", "Star", id="themes.star", tooltip="Star or unstar the highlighted segment as an exemplar quote"),
        Binding("K,ctrl+up", "move(-1)", "Up", show=False, id="themes.move_up", tooltip="Move the theme or category up"),
        Binding("J,ctrl+down", "move(1)", "Down", show=False, id="themes.move_down", tooltip="Move the theme or category down"),
        Binding("d", "delete", "Delete", id="themes.delete", tooltip="Delete the theme (or category); codings stay"),
        Binding("w", "export_word", "Word", id="themes.word",
                tooltip="Write the themes to a Word document: summary table, then each theme with its quotes"),
        Binding("q,escape", "back", "Back", id="themes.back", tooltip="Leave the Themes screen"),
    ]

    class Loaded(Message):
        def __init__(self, themes: list[ThemeInfo], categories: list[CategoryInfo], types: list[ThemeTypeInfo],
                     dimensions: list[Dimension], codes: list[CodeInfo], select: tuple[str, str | None] | None) -> None:
            super().__init__()
            self.themes, self.categories, self.types = themes, categories, types
            self.dimensions, self.codes, self.select = dimensions, codes, select

    class SegmentsLoaded(Message):
        def __init__(self, label: str, segments: list[ThemeSegment], keep: int | None) -> None:
            super().__init__()
            self.label, self.segments, self.keep = label, segments, keep

    def __init__(self) -> None:
        super().__init__()
        self.themes: dict[str, ThemeInfo] = {}
        self.categories: list[CategoryInfo] = []
        self.types: list[ThemeTypeInfo] = []
        self.dimensions: list[Dimension] = []
        self.codes: list[CodeInfo] = []
        self.segments: list[ThemeSegment] = []
        self._lines: dict[tuple[str, str | None], int] = {}  # tree line of each node (every node is expanded)
        self._segments_label: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Themes · loading…", id="themes-title", markup=False)
        with Horizontal(id="themes-body"):
            tree: Tree[tuple[str, str | None]] = Tree("Themes", id="themes-tree")
            tree.show_root = False
            yield tree
            with Vertical(id="themes-right"):
                with VerticalScroll(id="themes-detail"):
                    yield Static(id="themes-detail-text", markup=False)
                yield OptionList(id="themes-segments")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.reload()

    @property
    def selected(self) -> tuple[str, str | None] | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    @property
    def theme(self) -> ThemeInfo | None:
        selected = self.selected
        return self.themes.get(selected[1] or "") if selected and selected[0] == "theme" else None

    @property
    def category(self) -> str | None:
        """The highlighted category, or the highlighted theme's."""
        selected = self.selected
        if selected and selected[0] == "category":
            return selected[1]
        return self.theme.category if self.theme else None

    def select(self, kind: str, name: str | None) -> bool:
        """Put the tree's cursor on a category or theme; False when it is not shown."""
        line = self._lines.get((kind, name))
        if line is not None:
            self._highlight(line)
        return line is not None

    # Loading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="themes-load")
    def reload(self, select: tuple[str, str | None] | None = None) -> None:
        from workbench.services.codebook.edit import all_codes

        project = self.project
        self.post_message(self.Loaded(service.list_themes(project), theme_categories.list_categories(project), theme_categories.list_types(project),
                                      service.list_dimensions(project), all_codes(project), select))

    @work(thread=True, exclusive=True, exit_on_error=False, group="themes-segments")
    def load_segments(self, label: str, keep: int | None = None) -> None:
        coder = self.context.visible_coder
        self.post_message(self.SegmentsLoaded(label, rollups.theme_segments(self.project, label, coder), keep))

    def on_themes_screen_loaded(self, message: Loaded) -> None:
        keep = message.select or self.selected
        self.themes = {t.label: t for t in message.themes}
        self.categories, self.types, self.dimensions, self.codes = message.categories, message.types, message.dimensions, message.codes
        tree = self.query_one(Tree)
        tree.clear()
        self._lines = {}
        groups: list[tuple[str | None, str | None]] = [(c.name, c.description) for c in self.categories]
        if any(t.category is None for t in message.themes):
            groups.append((None, None))
        for name, _ in groups:
            members = [t for t in message.themes if t.category == name]
            title = Text.assemble((name or "Themes without a category", "bold"), (f"  {' · '.join(t.label for t in members)}", "dim"))
            node = tree.root.add(title, data=("category", name), expand=True)
            self._lines["category", name] = len(self._lines)
            for theme in members:
                node.add_leaf(self._theme_label(theme), data=("theme", theme.label))
                self._lines["theme", theme.label] = len(self._lines)
        blind = " (your codings)" if self.context.visible_coder else ""
        self.query_one("#themes-title", Static).update(
            f"Themes · {len(message.themes)} themes in {len(self.categories)} categories{blind} · * stars a segment")
        line = self._lines.get(keep, 0) if keep else 0
        self.call_after_refresh(self._highlight, line if self._lines else None)

    def _highlight(self, line: int | None) -> None:
        if line is not None:
            self.query_one(Tree).move_cursor_to_line(line)
        self._show()

    @on(Tree.NodeHighlighted)
    def _highlighted(self) -> None:
        self._show()

    def _show(self) -> None:
        selected = self.selected
        if selected and selected[0] == "theme" and selected[1] not in self.themes:
            # the cursor is still on a node just removed (a theme relabelled by y, F1 → N1): show it
            # once the tree has its new nodes, rather than an empty detail pane
            self.set_timer(0.05, self._show)
            return
        detail = self.query_one("#themes-detail-text", Static)
        theme = self.theme
        # A long name is cut in the tree: the detail pane starts with it in full, and so does the tooltip
        self.query_one(Tree).tooltip = f"{theme.label} {theme.name}" if theme else self.category
        if theme is None:
            category = next((c for c in self.categories if c.name == self.category), None)
            detail.update(category_detail(category) if self.selected else "No themes yet. Press n to create one, N for a category.")
            self.segments, self._segments_label = [], None
            self.query_one("#themes-segments", OptionList).clear_options()
            return
        detail.update(theme_detail(theme, {d.key: d.name for d in self.dimensions}))
        highlighted = self.query_one("#themes-segments", OptionList).highlighted
        self.load_segments(theme.label, highlighted if self._segments_label == theme.label else None)

    def on_themes_screen_segments_loaded(self, message: SegmentsLoaded) -> None:
        if self.theme is None or self.theme.label != message.label:
            return
        self.segments, self._segments_label = message.segments, message.label
        options = self.query_one("#themes-segments", OptionList)
        options.clear_options()
        options.add_options(Option(theme_segment_prompt(s)) for s in message.segments)
        if message.segments:
            options.highlighted = min(message.keep or 0, len(message.segments) - 1)

    def _theme_label(self, theme: ThemeInfo) -> Text:
        position = next((t.position for t in self.types if t.name == theme.type), 0)
        stars = f"  ★{theme.exemplars}" if theme.exemplars else ""
        return Text.assemble((theme.label, f"bold {TYPE_COLOURS[position % len(TYPE_COLOURS)]}"), f" {theme.name}",
                                (f"  {len(theme.codes)} code{'' if len(theme.codes) == 1 else 's'}{stars}", "dim"))

    # Edits ----------------------------------------------------------------------------------

    @work(exit_on_error=False, group="themes-edit")
    async def action_new_theme(self) -> None:
        name = await self.app.push_screen_wait(NamePrompt("New theme: its name"))
        if name is None:
            return
        kind = self.theme.type if self.theme else None
        category = self.category
        created = await self._change(lambda p: service.create_theme(p, name, kind, category=category), f"Created {name}")
        if created is not None:
            self.reload(("theme", created.label))

    @work(exit_on_error=False, group="themes-edit")
    async def action_new_category(self) -> None:
        name = await self.app.push_screen_wait(NamePrompt("New category (e.g. Experience of time)"))
        if name is not None and await self._change(lambda p: theme_categories.create_category(p, name), f"Created category {name}"):
            self.reload(("category", name))

    @work(exit_on_error=False, group="themes-edit")
    async def action_rename(self) -> None:
        theme, category = self.theme, self.category
        if theme is not None:
            renamed = await self.app.push_screen_wait(NamePrompt(f"Rename {theme.label} {theme.name}", theme.name))
            if renamed and await self._change(lambda p: service.update_theme(p, theme.label, expected_version=theme.version, name=renamed)):
                self.reload(("theme", theme.label))
        elif category is not None:
            name = await self.app.push_screen_wait(NamePrompt(f"Rename category {category}", category))
            if name and await self._change(lambda p: theme_categories.update_category(p, category, new_name=name)):
                self.reload(("category", name))

    @work(exit_on_error=False, group="themes-edit")
    async def action_describe(self) -> None:
        theme, category = self.theme, self.category
        if theme is not None:
            text = await self.app.push_screen_wait(TextPrompt(f"Description of {theme.label} {theme.name}", theme.description or ""))
            if text is not None and await self._change(
                lambda p: service.update_theme(p, theme.label, expected_version=theme.version, description=text)
            ):
                self.reload(("theme", theme.label))
        elif category is not None:
            current = next((c.description or "" for c in self.categories if c.name == category), "")
            text = await self.app.push_screen_wait(TextPrompt(f"Description of {category}", current))
            if text is not None and await self._change(lambda p: theme_categories.update_category(p, category, description=text)):
                self.reload(("category", category))

    @work(exit_on_error=False, group="themes-edit")
    async def action_set_type(self) -> None:
        theme = self._require_theme()
        if theme is None:
            return
        kind = await self.app.push_screen_wait(TypePicker(f"Type of {theme.label} {theme.name}",
                                                          [(t.name, t.prefix) for t in self.types]))
        if isinstance(kind, tuple):  # a new type, typed in the picker
            name = kind[1]
            prefix = theme_categories.free_prefix(name, (t.prefix for t in self.types))
            if await self._change(lambda p: theme_categories.add_type(p, name, prefix)) is None:
                return
            self.notify(f"New theme type {name!r}: its themes are labelled {prefix}1, {prefix}2, …", markup=False)
            kind = name
        if kind and kind != theme.type:
            changed = await self._change(lambda p: service.set_theme_type(p, theme.label, kind, expected_version=theme.version))
            if changed is not None:
                self.notify(f"{theme.label} is now {changed.label} ({kind})", markup=False)
                self.reload(("theme", changed.label))

    @work(exit_on_error=False, group="themes-edit")
    async def action_set_category(self) -> None:
        theme = self._require_theme()
        if theme is None:
            return
        choices = [(c.name, c.name) for c in self.categories] + [(NEW, "New category…"), (NONE, "(no category)")]
        picked = await self.app.push_screen_wait(Picker(f"Put {theme.label} {theme.name} under…", choices))
        if picked == NEW:
            picked = await self.app.push_screen_wait(NamePrompt("New category"))
            if picked is None or await self._change(lambda p: theme_categories.create_category(p, picked)) is None:
                return
        if picked is not None:
            category = None if picked == NONE else picked
            if await self._change(lambda p: service.update_theme(p, theme.label, expected_version=theme.version, category=category)):
                self.reload(("theme", theme.label))

    @work(exit_on_error=False, group="themes-edit")
    async def action_codes(self) -> None:
        theme = self._require_theme()
        if theme is None:
            return
        choices = [(c.key, f"{'✓' if c.key in theme.codes else ' '} {'  ' * c.depth}{c.name}  [{c.key}]") for c in self.codes]
        key = await self.app.push_screen_wait(Picker(f"Add or remove a code of {theme.label} (✓ = in the theme)", choices))
        if key is not None:
            added = await self._change(lambda p: service.toggle_theme_code(p, theme.label, key))
            if added is not None:
                self.notify(f"{key} {'added to' if added else 'removed from'} {theme.label}", markup=False)
                self.reload(("theme", theme.label))

    @work(exit_on_error=False, group="themes-edit")
    async def action_dimensions(self) -> None:
        theme = self._require_theme()
        if theme is None:
            return
        choices = [(d.key, f"{'✓' if d.key in theme.dimensions else ' '} {d.name}") for d in self.dimensions]
        choices.append((DERIVED, f"  (derived from the codes: {', '.join(theme.derived_dimensions) or 'none'})"))
        key = await self.app.push_screen_wait(Picker(f"Dimensions of {theme.label} (✓ = linked)", choices))
        if key is None:
            return
        new = None if key == DERIVED else [d for d in theme.dimensions if d != key] + ([key] if key not in theme.dimensions else [])
        if await self._change(lambda p: service.update_theme(p, theme.label, expected_version=theme.version, dimensions=new)):
            self.reload(("theme", theme.label))

    def action_star(self) -> None:
        theme = self.theme
        options = self.query_one("#themes-segments", OptionList)
        if theme is None or self._segments_label != theme.label or options.highlighted is None or options.highlighted >= len(self.segments):
            self.notify("Highlight a coded segment of a theme first", severity="warning")
            return
        self._star(theme.label, self.segments[options.highlighted].coding_id)

    def _star(self, label: str, coding_id: int) -> None:
        project = self.project
        self.writer.submit(
            lambda: service.toggle_exemplar(project, label, coding_id), title=self.ERROR_TITLE,
            done=lambda starred: f"{'Starred' if starred else 'Unstarred'} as an exemplar of {label}",
            then=lambda _: self.call_later(self.reload, ("theme", label)),
        )  # fmt: skip

    @work(exit_on_error=False, group="themes-edit")
    async def action_move(self, step: int) -> None:
        theme, selected = self.theme, self.selected
        if theme is not None:
            await self._change(lambda p: service.move_theme(p, theme.label, step))
        elif selected is not None and (category := selected[1]) is not None:
            await self._change(lambda p: theme_categories.move_category(p, category, step))
        self.reload(selected)

    @work(exit_on_error=False, group="themes-edit")
    async def action_delete(self) -> None:
        theme, selected = self.theme, self.selected
        if theme is not None:
            question = f"Delete {theme.label} {theme.name} with its {theme.exemplars} exemplar(s)? Its codes and codings stay."
            if await self.app.push_screen_wait(ConfirmScreen(f"Delete {theme.label}?", question, "Delete")):
                await self._change(lambda p: service.delete_theme(p, theme.label), f"Deleted {theme.label}")
                self.reload(("category", theme.category))
        elif selected is not None and (category := selected[1]) is not None:
            question = f"Delete the category {selected[1]}? Its themes stay, without a category."
            if await self.app.push_screen_wait(ConfirmScreen(f"Delete {selected[1]}?", question, "Delete")):
                await self._change(lambda p: theme_categories.delete_category(p, category), f"Deleted {selected[1]}")
                self.reload()

    @work(exit_on_error=False, group="themes-export")
    async def action_export_word(self) -> None:
        await export_themes_docx(self, self.context)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # Helpers ----------------------------------------------------------------------------------

    async def _change(self, operation: Callable[[Project], Any], done: str | None = None) -> Any:
        """Run a service call in the App's writer; a WorkbenchError becomes a notification and None."""
        project = self.project
        result = await self.writer.run(lambda: operation(project), title=self.ERROR_TITLE, done=done)
        return None if result is NOT_DONE else (True if result is None else result)

    def _require_theme(self) -> ThemeInfo | None:
        if self.theme is None:
            self.notify("Highlight a theme first", severity="warning")
        return self.theme

