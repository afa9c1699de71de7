"""What every screen needs: the open project, who is coding, and how.

The App owns one :class:`WorkbenchContext` (``app.context``); screens read it
instead of holding their own copies, so a test can build an App around a
temporary project and every screen sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.store.engine import Project


@dataclass
class WorkbenchContext:
    project: Project
    coder: str
    blind: bool = False
    upload_url: str | None = None  # browser mode: where files are uploaded for import (no server paths there)

    @property
    def visible_coder(self) -> str | None:
        """The coder whose codings are shown: only the current one in blind mode, else everyone's (None)."""
        return self.coder if self.blind else None
