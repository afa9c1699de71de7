"""The Coding screen's suggestions: ``s`` shows the codebook's keyword matches, ``a`` accepts and ``r`` rejects one.

Suggestions are computed in a worker (storing them is a write, queued in the
App's writer like the others); accepting one is a coding action (shown
at once, then written), rejecting one a write that keeps it from coming back.
"""

from __future__ import annotations

from textual import work

from workbench.services.coding.suggestions import SuggestionView, compute_suggestions, pending_suggestions
from workbench.tui.messages import SuggestionsLoaded
from workbench.tui.screens.coding_base import CodingBase
from workbench.tui.widgets.code_picker import suggestion_choice
from workbench.tui.widgets.transcript_model import preview_apply
from workbench.tui.writer import NOT_DONE


class CodingSuggestions(CodingBase):
    """Showing, accepting and rejecting code suggestions."""

    def action_toggle_suggestions(self) -> None:
        if self.document is None:
            return
        self.suggestions_on = not self.suggestions_on
        if self.suggestions_on:
            self._suggest(self.document.name, self.document.id)
        else:
            self.view.set_suggestions([], False)
        self._status()

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, name: str, source_id: int) -> None:
        context = self.context

        def suggest() -> list[SuggestionView]:  # a write: the suggestions are stored, to be accepted or rejected
            compute_suggestions(context.project, context.coder, [name])
            return pending_suggestions(context.project, context.coder, source_id)

        found = self.writer.wait(suggest, title=self.ERROR_TITLE)  # in order with accepting and rejecting
        if found is not NOT_DONE:
            self.post_message(SuggestionsLoaded(source_id, found))

    def on_suggestions_loaded(self, message: SuggestionsLoaded) -> None:
        if self.suggestions_on:
            self.view.set_suggestions(message.suggestions, True)
            self.notify(f"{len(message.suggestions)} suggestions on this source")
            self._status()

    def _suggestions_here(self) -> list[SuggestionView]:
        """The suggestions at the cursor; when there are none, say so instead of doing nothing."""
        here = self.view.suggestions_at()
        if not here:
            total = len(self.view.suggestions)
            self.notify(f"No suggestion at the cursor ({total} on this source; the margin marks them ┆).",
                        severity="warning")
        return here

    def action_accept_suggestion(self) -> None:
        self._choose("Accept which suggestion?", self._suggestions_here(), suggestion_choice, self._accept)

    def action_reject_suggestion(self) -> None:
        self._choose("Reject which suggestion?", self._suggestions_here(), suggestion_choice, self._reject)

    def _accept(self, suggestion: SuggestionView) -> None:
        code = next((c for c in self.codes if c.key == suggestion.code_key), None)
        self._drop_suggestion(suggestion)
        if code is not None and self.document is not None:
            span = (suggestion.start, suggestion.end)
            self.view.change_codings(*preview_apply(self.view.codings, self.context.coder, code, self.document.name, span))

        def job() -> None:
            self.coding.accept_suggestion(suggestion.id)

        self._submit(job, f"accepted {suggestion.code_name}")

    def _reject(self, suggestion: SuggestionView) -> None:
        self._drop_suggestion(suggestion)
        self._submit(lambda: self.coding.reject_suggestion(suggestion.id), f"rejected {suggestion.code_name}")

    def _drop_suggestion(self, suggestion: SuggestionView) -> None:
        self.view.set_suggestions([s for s in self.view.suggestions if s.id != suggestion.id], True)
        self.refresh_bindings()
