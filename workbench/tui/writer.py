"""The one way the terminal UI writes: an ordered writer per App.

Every change a screen makes to the project (a coding key, an adjudication, a
codebook edit after a dialog, an export) is a call handed to
:meth:`Writer.submit` (or awaited with :meth:`Writer.run`). The writer keeps
one first-in-first-out queue per App and drains it in one thread worker of the
App, one call at a time (a thread worker that must write before it goes on
waits for its call with :meth:`Writer.wait`), so:

* calls reach the database in the order they were asked for, across screens,
  however fast the keys come (the screen shows their expected result at once);
* a call outlives the screen that asked for it (leaving a screen never drops a
  queued write);
* a failed call is told in one place: a :class:`~workbench.errors.ConflictError`
  (someone else changed it first) as a warning "Changed elsewhere", any other
  :class:`~workbench.errors.WorkbenchError` as "Not done" with its message, and
  anything else as "Unexpected problem" titled by the caller -- unless the
  caller ``expect``-s that kind of error and handles it itself;
* ``drained`` hooks run once when the queue has emptied, however many calls
  registered the same hook: the Coding screen reloads its codings once per
  batch of fast key presses.

Callbacks given to the writer (``done``, ``then``, ``failed``, ``drained``)
run in the writer's thread: they post messages and never touch widgets.
"""

from __future__ import annotations

import asyncio
import enum
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from textual.app import App

from workbench.errors import ConflictError, WorkbenchError

T = TypeVar("T")

Hook = Callable[[], object]


class NotDone(enum.Enum):
    """What :meth:`Writer.run` returns for a call that failed (the user has been told why)."""

    NOT_DONE = "not done"


NOT_DONE: Literal[NotDone.NOT_DONE] = NotDone.NOT_DONE


def failure_text(error: BaseException) -> str:
    """What a failure says: a WorkbenchError's own message, else "Unexpected problem" with the exception."""
    return str(error) if isinstance(error, WorkbenchError) else f"Unexpected problem: {error!r}"


@dataclass(eq=False)
class _Write(Generic[T]):
    call: Callable[[], T]
    future: Future[T]
    title: str
    done: str | Callable[[T], str | None] | None
    then: Callable[[T], object] | None
    failed: Hook | None
    expect: tuple[type[Exception], ...]


_WRITERS: weakref.WeakKeyDictionary[App[Any], Writer] = weakref.WeakKeyDictionary()


class Writer:
    """One App's ordered writer (see the module docstring); :meth:`of` gives it."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._queue: deque[_Write[Any]] = deque()
        self._drained: dict[Hook, None] = {}  # hooks to run when the queue empties (an ordered set)
        self._draining = False  # a drain worker is running or about to start
        self._drain_thread: int | None = None  # the thread draining the queue, while one does

    @classmethod
    def of(cls, app: App[Any]) -> Writer:
        """The writer of ``app``, made on first use (any App: tests drive screens in small Apps)."""
        writer = _WRITERS.get(app)
        if writer is None:
            writer = _WRITERS[app] = cls(app)
        return writer

    def submit(
        self,
        call: Callable[[], T],
        *,
        title: str = "",
        done: str | Callable[[T], str | None] | None = None,
        then: Callable[[T], object] | None = None,
        failed: Hook | None = None,
        expect: tuple[type[Exception], ...] = (),
        drained: Hook | None = None,
    ) -> Future[T]:
        """Queue ``call()`` behind every write asked for before it; from any thread.

        ``done`` is the notification on success (or makes it from the result;
        None or "" shows none); ``then(result)`` runs after a success and
        ``failed()`` after a failure the writer told the user about; errors of
        the kinds in ``expect`` are not told, only set on the future, for the
        caller to handle; ``drained()`` runs once the queue is empty (once per
        batch, however many calls gave the same hook). ``title`` titles an
        unexpected failure's notification (the screen's name). The returned
        future holds the result or the error.
        """
        write = _Write(call, Future(), title, done, then, failed, expect)
        with self._lock:
            self._queue.append(write)
            if drained is not None:
                self._drained[drained] = None
            start = not self._draining
            self._draining = True
        if start:  # after the next refresh: a screen's preview of the change is painted before the write competes for the GIL
            self._app.call_after_refresh(self._start)
        return write.future

    async def run(
        self,
        call: Callable[[], T],
        *,
        title: str = "",
        done: str | Callable[[T], str | None] | None = None,
        expect: tuple[type[Exception], ...] = (),
    ) -> T | Literal[NotDone.NOT_DONE]:
        """Queue ``call()`` and wait for it on the event loop: its result, or ``NOT_DONE`` when it failed.

        For an edit after a dialog, whose answer the user waits for. An error
        in ``expect`` is raised here instead. The write happens even when the
        awaiting worker is cancelled (its screen closed) meanwhile.
        """
        future = self.submit(call, title=title, done=done, expect=expect)
        try:
            return await asyncio.shield(asyncio.wrap_future(future))
        except expect:
            raise
        except Exception:  # noqa: BLE001 - the writer has told the user
            return NOT_DONE

    def wait(
        self,
        call: Callable[[], T],
        *,
        title: str = "",
        done: str | Callable[[T], str | None] | None = None,
    ) -> T | Literal[NotDone.NOT_DONE]:
        """From a thread worker: queue ``call()`` and block until it ran; its result, or ``NOT_DONE`` when it failed.

        For a worker that writes and then goes on (computing suggestions, then
        reading them): it keeps its place in the queue and its worker stays
        running meanwhile (a busy indicator shows it). Not from the event loop
        (use :meth:`run`) nor from the writer's own callbacks: both would wait
        for themselves.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError("Writer.wait blocks: on the event loop, await Writer.run instead")
        if threading.get_ident() == self._drain_thread:
            raise RuntimeError("Writer.wait from the writer's own thread would wait for itself")
        try:
            return self.submit(call, title=title, done=done).result()
        except Exception:  # noqa: BLE001 - the writer has told the user
            return NOT_DONE

    def _start(self) -> None:
        self._app.run_worker(self._drain, name="writer", group="writer", thread=True, exit_on_error=False)

    def _drain(self) -> None:
        """The writer's thread: every queued call in order, then the drained hooks; again until both are empty."""
        self._drain_thread = threading.get_ident()
        while True:
            hooks: list[Hook] = []
            with self._lock:
                if self._queue:
                    write: _Write[Any] | None = self._queue.popleft()
                elif self._drained:
                    write, hooks = None, list(self._drained)
                    self._drained.clear()
                else:
                    self._draining, self._drain_thread = False, None
                    return
            if write is not None:
                self._run(write)
            for hook in hooks:
                self._guard(hook, "")

    def _run(self, write: _Write[T]) -> None:
        waited = write.future.set_running_or_notify_cancel()  # False: nobody waits any more; the write still happens
        try:
            result = write.call()
        except Exception as error:  # noqa: BLE001 - every failure is told (or handed to the caller), never lost
            if not isinstance(error, write.expect):
                self._tell(error, write.title)
                if write.failed is not None:
                    self._guard(write.failed, write.title)
            if waited:
                write.future.set_exception(error)
            return
        if waited:
            write.future.set_result(result)
        self._guard(lambda: self._succeeded(write, result), write.title)

    def _succeeded(self, write: _Write[T], result: T) -> None:
        text = write.done(result) if callable(write.done) else write.done
        if text:
            self._app.call_later(self._app.notify, text, markup=False)
        if write.then is not None:
            write.then(result)

    def _guard(self, hook: Hook, title: str) -> None:
        try:
            hook()
        except Exception as error:  # noqa: BLE001 - a broken callback must not stop the writes behind it
            self._tell(error, title)

    def _tell(self, error: Exception, title: str) -> None:
        if isinstance(error, ConflictError):
            self._notify(str(error), title="Changed elsewhere", severity="warning")
        elif isinstance(error, WorkbenchError):
            self._notify(str(error), title="Not done", severity="error")
        else:
            self._notify(failure_text(error), title=title, severity="error")

    def _notify(self, text: str, *, title: str, severity: str) -> None:
        self._app.call_later(self._app.notify, text, title=title, severity=severity, timeout=8, markup=False)
