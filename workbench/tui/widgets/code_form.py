"""Modals for editing codes: the full form and a fuzzy code picker (a one-line name: :mod:`.name_prompt`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from workbench.domain.codebook import COLOUR, normalise_colour

TEXT_FIELDS = (
    ("definition", "Definition"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
    ("example", "Example"),
)


class CodeValues(TypedDict):
    """A code's fields as keyword arguments of ``create_code`` and ``update_code``."""

    name: str
    definition: str | None
    when_to_use: str | None
    when_not_to_use: str | None
    example: str | None
    keywords: list[str]
    colour: str | None
    codable: bool


@dataclass(frozen=True)
class CodeFields:
    """What the form edits; blank text fields are None."""

    name: str
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    keywords: tuple[str, ...] = ()
    colour: str | None = None
    codable: bool = True

    def as_kwargs(self) -> CodeValues:
        return {
            "name": self.name,
            "definition": self.definition,
            "when_to_use": self.when_to_use,
            "when_not_to_use": self.when_not_to_use,
            "example": self.example,
            "keywords": list(self.keywords),
            "colour": self.colour,
            "codable": self.codable,
        }


def fuzzy_highlight(query: str, text: str, search: FuzzySearch | None = None) -> tuple[float, Content]:
    """Score ``text`` against ``query`` (0 = no match) and highlight the matched letters; no markup parsing."""
    content = Content(text)
    if not query:
        return 1.0, content
    score, offsets = (search or FuzzySearch()).match(query, text)
    for offset in offsets if score else ():
        content = content.stylize("bold reverse", offset, offset + 1)
    return score, content


class CodeForm(ModalScreen["CodeFields | None"]):
    """Every field of a code. Ctrl+S saves (after checking the name and colour), Escape cancels.

    ``theirs``: the code as someone else saved it while this form was open
    (the save was refused by the version check); it is shown beside the
    form, which holds the user's own text, so nothing typed is lost.
    """

    DEFAULT_CSS = """
    CodeForm {
        align: center middle;
    }
    CodeForm > Vertical {
        width: 90;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CodeForm .form--title {
        text-style: bold;
        padding: 0 1;
    }
    CodeForm VerticalScroll {
        height: 1fr;
    }
    CodeForm Label {
        color: $text-muted;
        margin-top: 1;
    }
    CodeForm TextArea {
        height: 5;
    }
    CodeForm .form--colour-row {
        height: auto;
    }
    CodeForm .form--colour-row Input {
        width: 1fr;
    }
    CodeForm #form-swatch {
        width: 6;
        height: 3;
        margin-left: 1;
    }
    CodeForm #form-error {
        color: $error;
        height: auto;
    }
    CodeForm .form--buttons {
        height: auto;
        align-horizontal: right;
    }
    CodeForm Button {
        margin-left: 2;
    }
    CodeForm.-conflict > Vertical {
        width: 150;
    }
    CodeForm #form-body {
        height: 1fr;
    }
    CodeForm .form--theirs-title {
        color: $warning;
        text-style: bold;
    }
    CodeForm #form-theirs {
        width: 1fr;
        height: 1fr;
        border-left: solid $warning;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="code-form.save", tooltip="Check and save the code"),
        Binding("escape", "cancel", "Cancel", id="code-form.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, title: str, initial: CodeFields | None = None, theirs: CodeFields | None = None) -> None:
        super().__init__(classes="-conflict" if theirs is not None else None)
        self.form_title = title
        self.initial = initial or CodeFields(name="")
        self.theirs = theirs

    def compose(self) -> ComposeResult:
        initial = self.initial
        with Vertical():
            yield Static(self.form_title, classes="form--title", markup=False)
            with Horizontal(id="form-body"):
                yield from self._fields(initial)
                if self.theirs is not None:
                    with VerticalScroll(id="form-theirs"):
                        yield Static("Saved meanwhile by someone else", classes="form--theirs-title")
                        yield Static(describe_fields(self.theirs), id="form-theirs-text", markup=False)
            yield Static(
                "Someone else changed this code while you edited it: their version is on the right. "
                "Ctrl+S saves yours over it; Escape keeps theirs." if self.theirs is not None else "",
                id="form-error", markup=False,
            )  # fmt: skip
            with Horizontal(classes="form--buttons"):
                yield Button("Cancel", id="form-cancel")
                yield Button("Save (ctrl+s)", id="form-save", variant="primary")

    def _fields(self, initial: CodeFields) -> ComposeResult:
        with VerticalScroll():
            yield Label("Name")
            yield Input(initial.name, id="form-name", placeholder="What the code is called")
            for field, label in TEXT_FIELDS:
                yield Label(label)
                yield TextArea(getattr(initial, field) or "", id=f"form-{field}", soft_wrap=True)
            yield Label("Keywords (comma-separated)")
            yield Input(", ".join(initial.keywords), id="form-keywords", placeholder="trust, rapport")
            yield Label("Colour (#RRGGBB)")
            with Horizontal(classes="form--colour-row"):
                yield Input(initial.colour or "", id="form-colour", placeholder="#4E79A7")
                yield Static(id="form-swatch")
            yield Checkbox("Codable (untick for a folder that only groups codes)", initial.codable, id="form-codable")

    def on_mount(self) -> None:
        self._paint_swatch(self.initial.colour or "")
        self.query_one("#form-name", Input).focus()

    @on(Input.Changed, "#form-colour")
    def _colour_changed(self, event: Input.Changed) -> None:
        self._paint_swatch(event.value.strip())

    def _paint_swatch(self, colour: str) -> None:
        swatch = self.query_one("#form-swatch", Static)
        swatch.styles.background = normalise_colour(colour) if COLOUR.match(colour) else None

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        name = " ".join(self.query_one("#form-name", Input).value.split())
        colour = self.query_one("#form-colour", Input).value.strip()
        problem = None
        if not name:
            problem, widget = "A code needs a name.", "#form-name"
        elif colour and not COLOUR.match(colour):
            problem, widget = f"Colour {colour!r} must look like #RRGGBB or #RGB.", "#form-colour"
        if problem:
            self.query_one("#form-error", Static).update(problem)
            self.query_one(widget).focus()
            return
        texts = {field: self.query_one(f"#form-{field}", TextArea).text.strip() or None for field, _ in TEXT_FIELDS}
        keywords = tuple(w.strip() for w in self.query_one("#form-keywords", Input).value.split(",") if w.strip())
        codable = self.query_one("#form-codable", Checkbox).value
        self.dismiss(CodeFields(name=name, keywords=keywords, colour=normalise_colour(colour) if colour else None,
                                codable=codable, **texts))

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def describe_fields(fields: CodeFields) -> str:
    """A code's fields as plain text, for reading beside the form."""
    lines = [f"Name: {fields.name}"]
    for field, label in TEXT_FIELDS:
        lines += ["", f"{label}:", getattr(fields, field) or "—"]
    lines += ["", f"Keywords: {', '.join(fields.keywords) or '—'}", f"Colour: {fields.colour or '—'}",
              f"Codable: {'yes' if fields.codable else 'no (a folder)'}"]  # fmt: skip
    return "\n".join(lines)


@dataclass(frozen=True)
class CodeChoice:
    """One entry of a :class:`CodeTargetPicker`: ``key`` None stands for "no code" (the top level)."""

    key: str | None
    label: str
    depth: int = 0
    colour: str | None = None


class CodeTargetPicker(ModalScreen["CodeChoice | None"]):
    """Pick one code from a list narrowed by typing (fuzzy). Up/Down move, Enter picks, Escape cancels."""

    DEFAULT_CSS = """
    CodeTargetPicker {
        align: center middle;
    }
    CodeTargetPicker > Vertical {
        width: 70;
        max-width: 95%;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    CodeTargetPicker .picker--title {
        text-style: bold;
        padding: 0 1;
    }
    CodeTargetPicker OptionList {
        height: 1fr;
        border: none;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="target-picker.cancel", tooltip="Close without picking"),
        Binding("down", "move(1)", "Next", show=False, id="target-picker.down", tooltip="Highlight the next code"),
        Binding("up", "move(-1)", "Previous", show=False, id="target-picker.up", tooltip="Highlight the previous code"),
    ]

    def __init__(self, title: str, choices: Sequence[CodeChoice]) -> None:
        super().__init__()
        self.picker_title = title
        self.choices = list(choices)
        self._shown: list[CodeChoice] = []
        self._search = FuzzySearch()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.picker_title, classes="picker--title", markup=False)
            yield Input(placeholder="Type to narrow the list", id="target-input")
            yield OptionList(id="target-options")

    def on_mount(self) -> None:
        self._refill("")
        self.query_one("#target-input", Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._refill(event.value.strip())

    def _refill(self, query: str) -> None:
        ranked: list[tuple[float, int, CodeChoice, Content]] = []
        for index, choice in enumerate(self.choices):
            score, label = fuzzy_highlight(query, choice.label, self._search)
            if score > 0:
                ranked.append((score, index, choice, label))
        if query:
            ranked.sort(key=lambda item: (-item[0], item[1]))
        self._shown = [choice for _, _, choice, _ in ranked]
        options = self.query_one("#target-options", OptionList)
        options.clear_options()
        options.add_options(Option(self._prompt(choice, label, bool(query))) for _, _, choice, label in ranked)
        options.highlighted = 0 if ranked else None

    @staticmethod
    def _prompt(choice: CodeChoice, label: Content, flat: bool) -> Content:
        indent = "" if flat else "  " * choice.depth
        swatch = ("■ ", choice.colour) if choice.colour else ("  ", "")
        return Content.assemble(indent, swatch, label)

    def action_move(self, step: int) -> None:
        options = self.query_one("#target-options", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        highlighted = self.query_one("#target-options", OptionList).highlighted
        if highlighted is not None and highlighted < len(self._shown):
            self.dismiss(self._shown[highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
