"""Fuzzy pickers: apply a code (or create an inductive one), or choose among codings or suggestions.

:class:`Picker` is a modal list with a filter box: type to narrow it (Textual's
fuzzy matcher), Up/Down to move, Enter to choose, Escape to cancel. It
dismisses with the chosen value, or None. :class:`CodePicker` lists the
codebook and, when the typed name matches no code exactly, offers to create
it as a new inductive code: it dismisses with ``("code", key)`` or
``("create", name)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding.codings import CodingInfo
from workbench.services.coding.suggestions import SuggestionView

CREATE = "create"


class Picker(ModalScreen[Any]):
    """Choose one of ``choices`` (value, label) with a fuzzy filter."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", tooltip="Close without choosing"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down", tooltip="Highlight the next choice"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up", tooltip="Highlight the previous choice"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[Hashable, str | Text]], placeholder: str = "Type to filter") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(self.title_text, id="picker-title", markup=False)
            yield Input(placeholder=self.placeholder, id="picker-filter")
            yield OptionList(id="picker-options", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def options_for(self, query: str) -> list[Option]:
        if not query:
            return [Option(label, id=str(index)) for index, (_, label) in enumerate(self.choices)]
        matcher = Matcher(query)
        scored = []
        for index, (_, label) in enumerate(self.choices):
            plain = label.plain if isinstance(label, Text) else label
            score = matcher.match(plain)
            if score > 0:
                scored.append((score, index, label, matcher.highlight(plain)))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Option(self._highlighted(label, shown), id=str(index)) for _, index, label, shown in scored]

    @staticmethod
    def _highlighted(label: str | Text, matched: Any) -> Text:
        text = label.copy() if isinstance(label, Text) else Text(label)
        for span in getattr(matched, "spans", ()):
            text.stylize("bold underline", span.start, span.end)
        return text

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self.options_for(query))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value.strip())

    @on(Input.Submitted, "#picker-filter")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id is not None:
            self.dismiss(self.value_of(option_id))

    def value_of(self, option_id: str) -> Any:
        return self.choices[int(option_id)][0]

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodePicker(Picker):
    """Apply a code found by name, or create a new inductive code with the typed name."""

    def __init__(self, codes: Sequence[CodeInfo], title: str = "Apply a code to the selection") -> None:
        choices = []
        for code in (c for c in codes if c.codable):  # folders only group codes
            label = Text()
            label.append("■ ", style=code.colour or "")
            label.append(code.path)
            choices.append((("code", code.key), label))
        super().__init__(title, choices, placeholder="Type a code name; a new name creates an inductive code")
        self.names = {code.name.lower() for code in codes} | {code.key for code in codes}
        self._query = ""

    def options_for(self, query: str) -> list[Option]:
        self._query = query
        options = super().options_for(query)
        if query and query.lower() not in self.names:
            label = Text.assemble(("+ ", "bold"), "New inductive code ", (f"“{query}”", "bold"))
            options.append(Option(label, id=CREATE))
        return options

    def value_of(self, option_id: str) -> Any:
        return (CREATE, self._query) if option_id == CREATE else super().value_of(option_id)


class TypePicker(Picker):
    """Pick a theme type, or create one by typing a new name (dismisses with ``(CREATE, name)``)."""

    def __init__(self, title: str, types: Sequence[tuple[str, str]]) -> None:
        """``types``: (name, prefix) of every existing type."""
        super().__init__(title, [(name, f"{name} ({prefix})") for name, prefix in types],
                         placeholder="Type to filter; a new name creates a type")
        self.names = {name.lower() for name, _ in types}
        self._query = ""

    def options_for(self, query: str) -> list[Option]:
        self._query = query.strip()
        options = super().options_for(query)
        if self._query and self._query.lower() not in self.names:
            options.append(Option(Text.assemble(("+ ", "bold"), "New theme type ", (f"“{self._query}”", "bold")), id=CREATE))
        return options

    def value_of(self, option_id: str) -> Any:
        return (CREATE, self._query) if option_id == CREATE else super().value_of(option_id)


def coding_choice(coding: CodingInfo, text: str) -> Text:
    """A coding as a choice: code, coder and the start of the coded text."""
    excerpt = text[coding.start : coding.end].replace("\n", " ")
    excerpt = excerpt if len(excerpt) <= 40 else excerpt[:39] + "…"
    return Text.assemble(("■ ", coding.colour or ""), (coding.code_name, "bold"), f" · {coding.coder} · “{excerpt}”")


def suggestion_choice(suggestion: SuggestionView) -> Text:
    return Text.assemble(("■ ", suggestion.colour or ""), (suggestion.code_name, "bold"), f" · matched “{suggestion.matched}”")
