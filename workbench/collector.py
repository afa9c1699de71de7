"""Pausing Python's cyclic garbage collector around work that builds many objects without cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection meanwhile (re-enabled after, if it was on).

    For work that keeps hundreds of thousands of small objects alive at once — a large YAML file's
    nodes, an agreement report and its JSON — which each collection would otherwise walk again
    (seconds on a 100,000-code codebook, 0.2 s on a 4 M-word agreement report). Reference counting
    still frees what is dropped.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
