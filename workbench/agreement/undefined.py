"""Undefined coefficients: ``None`` for the caller, the reason one call away.

Internally a coefficient that is undefined for the data raises
:class:`UndefinedMetric`; :func:`none_when_undefined` wraps it into the public
form, which returns ``None`` instead, and :func:`explain_undefined` gives the
reason (see :mod:`workbench.agreement.metrics` for the convention).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


class UndefinedMetric(Exception):
    """A coefficient is undefined for the data; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def none_when_undefined(raising: Callable[_P, _R]) -> Callable[_P, _R | None]:
    """Public form of a metric: ``None`` where ``raising`` raises UndefinedMetric."""

    @functools.wraps(raising)
    def metric(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        try:
            return raising(*args, **kwargs)
        except UndefinedMetric:
            return None

    metric._raising = raising  # type: ignore[attr-defined]
    return metric


def explain_undefined(metric: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Why ``metric(*args, **kwargs)`` is ``None``; ``None`` when it is defined."""
    raising = getattr(metric, "_raising", None)
    if raising is None:
        raise TypeError(f"{metric!r} is not an agreement metric of workbench.agreement")
    try:
        raising(*args, **kwargs)
    except UndefinedMetric as undefined:
        return undefined.reason
    return None
