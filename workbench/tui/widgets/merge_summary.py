"""What a merge would do (a preview, before anything changes) or did: the summary, then the conflicts.

Dismisses with ``"merge"`` (preview: go ahead), ``"merge+sources"`` (go
ahead and add the sources the project lacks), ``"code:KEY"`` (open a
conflicting code in the Codebook screen) or ``None``.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.services.handout.report import MergeReport, printable


class MergeSummary(ModalScreen["str | None"]):
    DEFAULT_CSS = """
    MergeSummary {
        align: center middle;
    }
    MergeSummary > Vertical {
        width: 110;
        max-width: 98%;
        height: auto;
        max-height: 95%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    MergeSummary .merge--title {
        text-style: bold;
    }
    MergeSummary #merge-lines {
        height: auto;
        max-height: 14;
    }
    MergeSummary #merge-conflicts {
        height: auto;
        max-height: 12;
    }
    MergeSummary .merge--hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("y", "merge", "Merge", id="merge-summary.merge", tooltip="Merge the file as shown (one transaction)"),
        Binding("a", "merge_with_sources", "Merge + add sources", id="merge-summary.add-sources",
                tooltip="Merge, and add the file's sources that this project does not have"),
        Binding("escape,q", "close", "Close", id="merge-summary.close", tooltip="Close (a preview: change nothing)"),
    ]

    def __init__(self, report: MergeReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        lines = [line for line in report.lines() if not line.startswith("  conflicts") and not line.startswith("      ")]
        lines = [line for line in lines if not _is_conflict_line(line, report)]
        title = "Merge preview — nothing has changed yet" if report.dry_run else "Merged"
        with Vertical():
            yield Static(title, classes="merge--title", markup=False)
            with VerticalScroll(id="merge-lines"):
                yield Static("\n".join(lines), id="merge-text", markup=False)
            if report.conflicts:
                yield Static(f"Conflicts ({len(report.conflicts)}): ours kept, both versions in the audit trail"
                             + ("" if report.dry_run else "; Enter opens a code in the Codebook screen"), markup=False)
                options = [
                    Option(Text(printable("\n".join(c.lines()))), id=f"code:{c.code_key}" if c.code_key else f"other:{n}")
                    for n, c in enumerate(report.conflicts)
                ]
                yield OptionList(*options, id="merge-conflicts")
            yield Static(self._hint(), classes="merge--hint", markup=False)

    def on_mount(self) -> None:
        if self.report.conflicts:
            conflicts = self.query_one("#merge-conflicts", OptionList)
            conflicts.highlighted = 0
            conflicts.focus()

    def _hint(self) -> str:
        if not self.report.dry_run:
            return "Escape closes."
        hint = "y merges" + (", a merges and adds the skipped sources" if self.report.sources_skipped else "")
        return hint + "; Escape cancels (nothing changes)."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "merge":
            return self.report.dry_run
        if action == "merge_with_sources":
            return self.report.dry_run and bool(self.report.sources_skipped)
        return True

    def action_merge(self) -> None:
        self.dismiss("merge")

    def action_merge_with_sources(self) -> None:
        self.dismiss("merge+sources")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#merge-conflicts")
    def _open_conflict(self, event: OptionList.OptionSelected) -> None:
        if not self.report.dry_run and event.option.id and event.option.id.startswith("code:"):
            self.dismiss(event.option.id)


def _is_conflict_line(line: str, report: MergeReport) -> bool:
    """The conflicts get their own list below the summary."""
    return any(line.strip() in [x.strip() for x in c.lines()] for c in report.conflicts[:12])
