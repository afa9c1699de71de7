"""What every screen needs: the open project, who is coding, and how.

The App owns one :class:`WorkbenchContext` (``app.context``); screens read it
instead of holding their own copies, so a test can build an App around a
temporary project and every screen sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.store.engine import Project

if TYPE_CHECKING:
    from workbench.services.project.overview import SourcesOverview
    from workbench.tui.launch import SourcesRead


@dataclass
class WorkbenchContext:
    project: Project
    coder: str
    blind: bool = False
    upload_url: str | None = None  # browser mode: where files are uploaded for import (no server paths there)
    # the Sources screen's first read, started before the UI loaded (tui/launch.py); None once taken
    first_read: SourcesRead | None = field(default=None, repr=False)

    def take_first_read(self) -> SourcesOverview | None:
        """The read started before the UI loaded, the first time it is asked for (None after, or when
        there was none or it failed: then the screen reads the project itself)."""
        read, self.first_read = self.first_read, None
        return read.result() if read is not None else None

    def discard_first_read(self) -> None:
        read, self.first_read = self.first_read, None
        if read is not None:
            read.discard()

    @property
    def visible_coder(self) -> str | None:
        """The coder whose codings are shown: only the current one in blind mode, else everyone's (None)."""
        return self.coder if self.blind else None
