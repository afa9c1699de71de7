"""One disagreement between two coders: the text with who coded what, both coders' spans side by side.

The context is shown with the parts only the first coder coded, only the
second, and both in distinct styles (colour *and* underline / italic / bold,
so they read without colour too), followed by each coder's spans with their
offsets, where the boundaries differ, and the decision if there is one.

Editing (``start_edit``) puts ⟦ ⟧ around the proposed consensus span; while
the view has the focus its keys move the span's start or end by a character
or a word, ``o`` switches between the ends, Enter posts :class:`Accepted` and
Escape :class:`Cancelled`. The view never writes anything.

:class:`RefineDefinitionScreen` is the small modal the Review screen opens
from a disagreement to refine the code's definition, with a note.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from workbench.domain.spans import Span, move_boundary
from workbench.services.agreement.review import Disagreement
from workbench.services.codebook.codes import CodeInfo

STYLES = {
    "first": "bold underline #000000 on #F28E2B",
    "second": "bold italic #FFFFFF on #4E79A7",
    "both": "bold #000000 on #59A14F",
}
MARK = "bold reverse"
ACTIVE_MARK = "bold reverse #E15759"


def _spans(spans: tuple[Span, ...]) -> str:
    return ", ".join(f"{s.start}–{s.end}" for s in spans) or "nothing"


def boundary_notes(d: Disagreement, first: str, second: str) -> list[str]:
    """Where the two coders' boundaries differ, in words."""
    if not d.first_spans or not d.second_spans:
        only = first if d.first_spans else second
        return [f"only {only} coded {d.code_name} here"]
    notes = []
    a, b = d.first_spans[0].start, d.second_spans[0].start
    if a != b:
        notes.append(f"start: {first} {a}, {second} {b} ({first if a < b else second} {abs(a - b)} chars earlier)")
    a, b = d.first_spans[-1].end, d.second_spans[-1].end
    if a != b:
        notes.append(f"end: {first} {a}, {second} {b} ({first if a > b else second} {abs(a - b)} chars later)")
    if len(d.first_spans) != len(d.second_spans):
        notes.append(f"{first} coded {len(d.first_spans)} piece(s), {second} {len(d.second_spans)}")
    return notes or ["same outer boundaries, different pieces inside"]


def render_disagreement(
    d: Disagreement, first: str, second: str, edit: Span | None = None, editing_end: bool = False
) -> Content:
    """The whole view as styled content (a pure function, for tests and snapshots)."""
    status = f"resolved: {d.decision} → {_spans(d.result)}" if d.resolved else "unresolved"
    parts: list[str | tuple[str, str]] = [
        (f"{d.code_name} ({d.code}) · {d.source} · {d.speaker or 'no speaker'} · {d.start}–{d.end} · {status}\n", "bold"),
    ]
    cuts = {d.context_start, d.context_start + len(d.text)}
    for piece in d.pieces:
        cuts |= {piece.start, piece.end}
    if edit is not None:
        cuts |= {edit.start, edit.end}
    points = sorted(c for c in cuts if d.context_start <= c <= d.context_start + len(d.text))
    kinds = {(p.start, p.end): p.kind for p in d.pieces}
    for left, right in zip(points, points[1:], strict=False):
        if edit is not None and left == edit.start:
            parts.append(("⟦", MARK if editing_end else ACTIVE_MARK))
        kind = next((k for (s, e), k in kinds.items() if s <= left and right <= e), None)
        text = d.text[left - d.context_start : right - d.context_start]
        parts.append((text, STYLES[kind]) if kind else (text, "dim" if not (d.start <= left < d.end) else ""))
        if edit is not None and right == edit.end:
            parts.append(("⟧", ACTIVE_MARK if editing_end else MARK))
    parts.append("\n\n")
    parts += [("first only", STYLES["first"]), f" {first}   ", ("second only", STYLES["second"]),
              f" {second}   ", ("both", STYLES["both"]), "\n\n"]  # fmt: skip
    for name, spans, memos in ((first, d.first_spans, d.first_memos), (second, d.second_spans, d.second_memos)):
        parts.append((f"{name:<12}", "bold"))
        parts.append(f" {_spans(spans)}  ({sum(s.length for s in spans)} chars)")
        parts += [("  memo: " + memo, "italic") for memo in memos]
        parts.append("\n")
    parts += [("boundaries: ", "bold"), "; ".join(boundary_notes(d, first, second)), "\n"]
    if edit is not None:
        end_name = "end" if editing_end else "start"
        parts += [("edited span: ", "bold"), f"{edit.start}–{edit.end} (moving the {end_name})\n"]
    if d.note:
        parts += [("note: ", "bold"), d.note, "\n"]
    return Content.assemble(*parts)


class DisagreementView(Static, can_focus=True):
    """Shows one disagreement; while editing, moves the proposed consensus span."""

    DEFAULT_CSS = """
    DisagreementView { height: 1fr; padding: 0 1; overflow-y: auto; }
    DisagreementView:focus { background-tint: $foreground 4%; }
    """

    BINDINGS = [
        Binding("left", "move(-1, 'char')", "← char", id="disagreement.char_back",
                tooltip="Move the edited boundary one character left"),
        Binding("right", "move(1, 'char')", "char →", id="disagreement.char_forward",
                tooltip="Move the edited boundary one character right"),
        Binding("shift+left,b", "move(-1, 'word')", "← word", id="disagreement.word_back",
                tooltip="Move the edited boundary to the previous word start (or end)"),
        Binding("shift+right,w", "move(1, 'word')", "word →", id="disagreement.word_forward",
                tooltip="Move the edited boundary to the next word start (or end)"),
        Binding("o", "other_end", "Other end", id="disagreement.other_end",
                tooltip="Switch between moving the start and the end of the span"),
        Binding("enter", "accept", "Accept span", id="disagreement.accept",
                tooltip="Write the edited span to the consensus layer"),
        Binding("escape", "cancel", "Cancel edit", id="disagreement.cancel", tooltip="Leave the span as it was"),
    ]

    class Accepted(Message):
        def __init__(self, disagreement: Disagreement, span: Span) -> None:
            super().__init__()
            self.disagreement, self.span = disagreement, span

    class Cancelled(Message):
        pass

    def __init__(self, first: str, second: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.first, self.second = first, second
        self.disagreement: Disagreement | None = None
        self.edit: Span | None = None
        self.editing_end = False

    def show(self, disagreement: Disagreement | None) -> None:
        self.disagreement, self.edit = disagreement, None
        self._refresh_view()

    def start_edit(self) -> None:
        d = self.disagreement
        if d is None:
            return
        start = d.result[0] if d.decision == "edited" and d.result else Span(d.start, d.end)
        self.edit = Span(start.start, d.result[-1].end if d.decision == "edited" and d.result else start.end)
        self.editing_end = False
        self._refresh_view()
        self.focus()

    @property
    def editing(self) -> bool:
        return self.edit is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.editing

    def action_move(self, step: int, by: str) -> None:
        d, edit = self.disagreement, self.edit
        if d is None or edit is None:
            return
        local = Span(edit.start - d.context_start, edit.end - d.context_start)
        moved = move_boundary(d.text, local, "end" if self.editing_end else "start", step, by)
        self.edit = Span(moved.start + d.context_start, moved.end + d.context_start)
        self._refresh_view()

    def action_other_end(self) -> None:
        self.editing_end = not self.editing_end
        self._refresh_view()

    def action_accept(self) -> None:
        if self.disagreement is not None and self.edit is not None:
            self.post_message(self.Accepted(self.disagreement, self.edit))
        self.edit = None
        self._refresh_view()

    def action_cancel(self) -> None:
        self.edit = None
        self._refresh_view()
        self.post_message(self.Cancelled())

    def _refresh_view(self) -> None:
        if self.disagreement is None:
            self.update("No disagreement to show.")
            return
        self.update(render_disagreement(self.disagreement, self.first, self.second, self.edit, self.editing_end))


class RefineDefinitionScreen(ModalScreen[tuple[str, str] | None]):
    """Edit a code's definition with a note; dismisses with (definition, note) or None."""

    DEFAULT_CSS = """
    RefineDefinitionScreen { align: center middle; }
    RefineDefinitionScreen > Vertical { width: 80; max-width: 95%; height: auto; max-height: 90%;
        padding: 1 2; border: thick $primary; background: $surface; }
    RefineDefinitionScreen TextArea { height: 10; }
    RefineDefinitionScreen .refine--conflict { color: $warning; text-style: bold; }
    RefineDefinitionScreen.-conflict > Vertical { width: 130; }
    RefineDefinitionScreen #refine-body { height: 10; }
    RefineDefinitionScreen #refine-definition { width: 1fr; }
    RefineDefinitionScreen #refine-theirs { width: 1fr; height: 10; border-left: solid $warning; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="refine.save", tooltip="Save the definition with the note"),
        Binding("escape", "cancel", "Cancel", id="refine.cancel", tooltip="Close without changing the code"),
    ]

    def __init__(self, code: CodeInfo, draft: tuple[str, str] | None = None, theirs: str | None = None) -> None:
        """``draft``: the user's (definition, note) refused by the version check; ``theirs``: the definition
        someone else saved meanwhile, shown beside it."""
        super().__init__(classes="-conflict" if theirs is not None else None)
        self.code = code
        self.draft = draft
        self.theirs = theirs

    def compose(self) -> ComposeResult:
        definition, note = self.draft or (self.code.definition or "", "")
        with Vertical():
            yield Label(f"Definition of {self.code.name} ({self.code.key}) — Ctrl+S saves, Esc cancels", markup=False)
            if self.theirs is not None:
                yield Label("Someone else changed this definition meanwhile: yours on the left, theirs on the right. "
                            "Ctrl+S saves yours over it; Esc keeps theirs.", classes="refine--conflict", markup=False)  # fmt: skip
            with Horizontal(id="refine-body"):
                yield TextArea(definition, id="refine-definition", soft_wrap=True)
                if self.theirs is not None:
                    yield Static(self.theirs or "(no definition)", id="refine-theirs", markup=False)
            yield Input(note, placeholder="why (recorded in the audit trail)", id="refine-note")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss((self.query_one(TextArea).text, self.query_one("#refine-note", Input).value))

    @on(Input.Submitted, "#refine-note")
    def _note_submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)
