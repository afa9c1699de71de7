"""The base of every Workbench screen: typed access to the App and its project, and one worker-error handler.

Screens subclass :class:`WorkbenchScreen` instead of ``textual.screen.Screen``:

* ``self.workbench_app`` is the running :class:`~workbench.tui.app.WorkbenchApp`
  (``self.app`` is typed as a plain ``App``), ``self.context`` its
  :class:`~workbench.tui.context.WorkbenchContext` and ``self.project`` the open
  :class:`~workbench.store.engine.Project`, so no screen needs a cast.
* ``self.writer`` is the App's :class:`~workbench.tui.writer.Writer`: every
  change the screen makes to the project goes through it, in order.
* A worker of the screen that fails (an exception its own code did not turn
  into a notification) is shown as one notification, titled ``ERROR_TITLE``:
  the message of a :class:`~workbench.errors.WorkbenchError`, otherwise
  "Unexpected problem" with the exception. ``Worker.StateChanged`` does not
  bubble, so without this a failed worker of a screen would go unseen.

Textual calls the ``on_worker_state_changed`` of every class in a screen's MRO,
so a screen that also reacts to worker states (a busy indicator, a table left
loading) defines its own handler for that and does not call ``super()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from workbench.store.engine import Project
from workbench.tui.context import WorkbenchContext
from workbench.tui.writer import Writer, failure_text

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


def notify_worker_error(node: MessagePump, event: Worker.StateChanged, title: str = "") -> None:
    """Show a failed worker of ``node`` (a screen or the App) as one notification; other states pass."""
    error = event.worker.error
    if event.state is not WorkerState.ERROR or error is None:
        return
    node.app.notify(failure_text(error), title=title, severity="error", timeout=10, markup=False)


class WorkbenchScreen(Screen):
    """A screen of the Workbench App (see the module docstring)."""

    ERROR_TITLE = ""  # the title of a failed worker's notification (the screen's name)

    @property
    def workbench_app(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    @property
    def context(self) -> WorkbenchContext:
        return self.workbench_app.context

    @property
    def project(self) -> Project:
        return self.workbench_app.context.project

    @property
    def writer(self) -> Writer:
        return Writer.of(self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        notify_worker_error(self, event, self.ERROR_TITLE)
