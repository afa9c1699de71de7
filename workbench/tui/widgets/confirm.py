"""A yes/no question in a modal: ``await app.push_screen_wait(ConfirmScreen(...))`` gives a bool."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something that cannot be undone. Cancel has the focus."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    ConfirmScreen .confirm--title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmScreen .confirm--buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmScreen Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "confirm", "Yes", id="confirm.yes", tooltip="Go ahead"),
        Binding("n,escape", "cancel", "No", id="confirm.no", tooltip="Leave everything as it is"),
    ]

    def __init__(self, title: str, message: str, confirm_label: str = "OK", *, danger: bool = True) -> None:
        super().__init__()
        self.question_title = title
        self.message = message
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question_title, classes="confirm--title", markup=False)
            yield Static(self.message, classes="confirm--message", markup=False)
            with Horizontal(classes="confirm--buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm-ok", variant="error" if self.danger else "primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-cancel", Button).focus()

    @on(Button.Pressed, "#confirm-ok")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
