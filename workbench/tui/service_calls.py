"""Running a service call from a screen: in a thread, with WorkbenchErrors as notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from workbench.errors import ConflictError, WorkbenchError
from workbench.store.engine import Project


async def call_service(
    screen: Screen, project: Project, operation: Callable[[Project], Any], done: str | None = None
) -> tuple[bool, Any]:
    """Run ``operation(project)`` off the event loop; return ``(succeeded, result)``.

    A :class:`ConflictError` (someone else changed it first) and any other
    :class:`WorkbenchError` are shown as notifications, never raised; ``done``
    is shown on success.
    """
    try:
        result = await asyncio.to_thread(operation, project)
    except ConflictError as error:
        screen.notify(str(error), title="Changed elsewhere", severity="warning", timeout=8, markup=False)
        return False, None
    except WorkbenchError as error:
        screen.notify(str(error), title="Not done", severity="error", timeout=8, markup=False)
        return False, None
    if done:
        screen.notify(done, markup=False)
    return True, result
