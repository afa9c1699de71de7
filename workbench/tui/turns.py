"""Writes from thread workers in the order the keys were pressed.

A screen takes a ticket on the UI thread when a write is asked for
(:meth:`InTurn.ticket`) and the worker runs the write inside
:meth:`InTurn.turn`, which waits until every earlier ticket is done.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InTurn:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._tickets = itertools.count()
        self._serving = 0

    def ticket(self) -> int:
        return next(self._tickets)

    @contextmanager
    def turn(self, ticket: int) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: self._serving == ticket)
        try:
            yield
        finally:
            with self._condition:
                self._serving += 1
                self._condition.notify_all()
