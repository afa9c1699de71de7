"""A one-line banner, on every screen, while the project database cannot be written.

The App shows it from the first write (or read) the database refuses — the
server is gone, the file is read-only, another process holds the lock — until
a write succeeds again, so nobody keeps coding into a project that is not
saving. Screens do not manage it: the App mounts it on each screen it shows.
"""

from __future__ import annotations

from textual.widgets import Static


class UnreachableBanner(Static):
    DEFAULT_CSS = """
    UnreachableBanner {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    """

    @staticmethod
    def text_for(reason: str) -> str:
        return f"⚠ Project unreachable, nothing is being saved · {reason} · this clears when a change is saved again"
