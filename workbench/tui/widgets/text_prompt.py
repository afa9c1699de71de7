"""A modal for a few lines of text: a theme's or a category's description."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class TextPrompt(ModalScreen["str | None"]):
    """Several lines of text. Ctrl+S saves (an empty text clears it), Escape cancels."""

    DEFAULT_CSS = """
    TextPrompt {
        align: center middle;
    }
    TextPrompt > Vertical {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    TextPrompt .prompt--title {
        text-style: bold;
        padding: 0 1;
    }
    TextPrompt TextArea {
        height: 10;
    }
    TextPrompt .prompt--hint {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="text-prompt.save", tooltip="Save the text (an empty text clears it)"),
        Binding("escape", "cancel", "Cancel", id="text-prompt.cancel", tooltip="Close without changing anything"),
    ]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.prompt_title, classes="prompt--title", markup=False)
            yield TextArea(self.value, id="prompt-text", soft_wrap=True)
            yield Static("Ctrl+S to save, Escape to cancel; Enter starts a new line", classes="prompt--hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
