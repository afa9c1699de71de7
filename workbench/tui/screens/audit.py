"""Audit: who created, changed or deleted which coding, code, theme or adjudication, and when.

Opened from the Coding screen it shows the current source's entries; ``a``
switches between that and the whole project. The pane below the table shows
the highlighted entry's before and after values. ``e`` exports what is shown
as CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from workbench.errors import WorkbenchError
from workbench.services.project.audit_log import AuditRow, audit_rows, write_audit_csv
from workbench.tui.exports import ask_target, deliver
from workbench.tui.messages import Notice
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.plain_table import PlainTable

ROW_LIMIT = 5_000


class AuditScreen(WorkbenchScreen):
    """The audit trail, newest first, for one source or code or the whole project."""

    ERROR_TITLE = "Audit"

    DEFAULT_CSS = """
    AuditScreen #audit-table { height: 2fr; }
    AuditScreen #audit-detail { height: 1fr; border-top: solid $primary; padding: 0 1; overflow-y: auto; }
    AuditScreen #audit-scope { color: $text-muted; padding: 0 1; height: 1; }
    """

    BINDINGS = [
        Binding("a", "toggle_scope", "All / this", id="audit.scope",
                tooltip="Switch between the whole project and the source or code the screen was opened for"),
        Binding("e", "export", "Export CSV", id="audit.export", tooltip="Write the entries shown to a CSV file"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="audit.refresh", tooltip="Read the audit trail again"),
        Binding("q,escape", "back", "Back", id="audit.back", tooltip="Back to the previous screen"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[AuditRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, source: str | None = None, code: str | None = None) -> None:
        super().__init__()
        self.source, self.code = source, code
        self.scoped = source is not None or code is not None
        self.rows: list[AuditRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="audit-scope", markup=False)
        yield PlainTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="audit-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Audit trail"
        table = self.query_one(DataTable)
        table.add_columns("When", "Coder", "Action", "What", "Summary", "Note")
        table.focus()
        self.action_refresh()

    def _scope_label(self) -> str:
        if not self.scoped:
            return "the whole project"
        return f"source {self.source}" if self.source else f"code {self.code}"

    def action_refresh(self) -> None:
        self.query_one("#audit-scope", Static).update(f"Entries for {self._scope_label()} (newest first) · loading…")
        self._load(self.source if self.scoped else None, self.code if self.scoped else None)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _load(self, source: str | None, code: str | None) -> None:
        try:
            rows = audit_rows(self.project, source=source, code=code, limit=ROW_LIMIT)
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))
            rows = []
        self.post_message(self.Loaded(rows))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        table = self.query_one(DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(f"{row.at:%Y-%m-%d %H:%M}", row.coder or "–", row.action, row.entity_kind, row.summary,
                          row.note or "")
        more = " (the newest shown)" if len(message.rows) >= ROW_LIMIT else ""
        narrow = f"source {self.source}" if self.source else f"code {self.code}" if self.code else None
        switch = "" if narrow is None else " · a: the whole project" if self.scoped else f" · a: only {narrow}"
        self.query_one("#audit-scope", Static).update(
            f"{len(message.rows)} entries for {self._scope_label()}{more}{switch}"
        )
        self._show_detail(0)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        detail = self.query_one("#audit-detail", Static)
        if not 0 <= index < len(self.rows):
            detail.update("No entries yet: codings, codes, themes and adjudications are recorded as they change.")
            return
        row = self.rows[index]
        lines = [f"{row.action} {row.entity_kind} #{row.entity_id} by {row.coder or 'unknown'} at {row.at:%Y-%m-%d %H:%M:%S}"]
        if row.note:
            lines.append(f"note: {row.note}")
        for label, values in (("before", row.before), ("after", row.after)):
            if values:
                lines.append(f"{label}: {json.dumps(values, ensure_ascii=False, sort_keys=True)}")
        detail.update("\n".join(lines))

    def action_toggle_scope(self) -> None:
        if self.source is None and self.code is None:
            self.notify("Opened for the whole project: there is nothing narrower to switch to.")
            return
        self.scoped = not self.scoped
        self.action_refresh()

    @work(exit_on_error=False, group="audit-export")
    async def action_export(self) -> None:
        path = await ask_target(self, "Write the entries shown to a CSV file:", "audit.csv")
        if path is not None:
            self._export(path)

    @work(thread=True, exit_on_error=False)
    def _export(self, path: Path) -> None:
        try:
            write_audit_csv(self.rows, path)
            where = self.app.call_from_thread(deliver, self.app, path)
            self.post_message(Notice(f"{len(self.rows)} audit entries written to {where}", "information"))
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))

    def action_back(self) -> None:
        self.app.pop_screen()
