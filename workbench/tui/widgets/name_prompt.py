"""A one-line prompt (a code's new name, a file to write, an order): Enter accepts, Escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NamePrompt(ModalScreen["str | None"]):
    """One line of text (a code's new name). Enter accepts, Escape cancels."""

    DEFAULT_CSS = """
    NamePrompt {
        align: center middle;
    }
    NamePrompt > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    NamePrompt .prompt--title {
        text-style: bold;
        padding: 0 1;
    }
    NamePrompt .prompt--hint {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="name-prompt.cancel", tooltip="Close without changing anything")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.prompt_title, classes="prompt--title", markup=False)
            yield Input(self.value, id="prompt-input")
            yield Static("Enter to accept, Escape to cancel", classes="prompt--hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = " ".join(event.value.split())
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
