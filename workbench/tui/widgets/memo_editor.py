"""The memo field under the transcript: one memo (of a coding, a code or the source) at a time.

Ctrl+S saves and keeps editing; Escape saves and closes. Nothing typed is
ever thrown away: closing saves. The editor posts :class:`MemoEditor.Saved`;
the screen writes it (in a worker) and the editor never touches the database.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea


class MemoEditor(Vertical):
    """A titled text area for a memo, hidden until :meth:`open`."""

    DEFAULT_CSS = """
    MemoEditor { height: 9; display: none; }
    MemoEditor.-open { display: block; }
    MemoEditor > TextArea { height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save memo", id="memo.save", tooltip="Save the memo and keep editing"),
        Binding("escape", "close", "Close memo", id="memo.close", tooltip="Save the memo and close the editor"),
    ]

    class Saved(Message):
        def __init__(self, kind: str, target_id: int, text: str) -> None:
            super().__init__()
            self.kind, self.target_id, self.text = kind, target_id, text

    class Closed(Message):
        """The editor closed (after saving)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind: str | None = None
        self.target_id: int | None = None
        self._saved_text = ""

    def compose(self) -> ComposeResult:
        yield Label(id="memo-title", markup=False)
        yield TextArea(id="memo-text", soft_wrap=True, show_line_numbers=False)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, kind: str, target_id: int, title: str, text: str) -> None:
        if self.is_open:
            self.action_save()
        self.kind, self.target_id, self._saved_text = kind, target_id, text
        self.query_one("#memo-title", Label).update(f"Memo — {title}   (Ctrl+S save · Esc save and close)")
        area = self.query_one(TextArea)
        area.load_text(text)
        self.add_class("-open")
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        if self.kind is not None and self.target_id is not None and text != self._saved_text:
            self._saved_text = text
            self.post_message(self.Saved(self.kind, self.target_id, text))

    def action_close(self) -> None:
        self.action_save()
        self.remove_class("-open")
        self.kind = self.target_id = None
        self.post_message(self.Closed())
