"""The transcript's search field: lemma-aware search, in the source's language, in a thread worker.

Hidden until opened (``/`` on the Coding screen); Enter searches the text it
was given and posts :class:`~workbench.tui.messages.SearchFinished` with the
hits, which the screen shows in the transcript.
"""

from __future__ import annotations

from textual import on, work
from textual.widgets import Input

from workbench.services.text.search import search
from workbench.tui.messages import SearchFinished


class SearchBar(Input):
    """Search the transcript; 'frustrate' also finds 'frustrating'."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search (lemma-aware) · Enter to search · Esc to close", id=id)
        self.text_to_search: str | None = None
        self.language = "en"  # the source's language (ISO 639-1)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def close(self) -> None:
        self.loading = False
        self.remove_class("-open")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = event.value.strip()
        if self.text_to_search is None or not query:
            return
        self.loading = True
        self._search(self.text_to_search, query, self.language)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, query: str, language: str) -> None:
        self.post_message(SearchFinished(query, search(text, query, language)))
