"""Codes as the codebook files describe them, and the rules for a new code (pure).

A code read from a file is a :class:`CodeSpec`; :mod:`workbench.domain.codebook_yaml` reads our YAML
format into them (and :mod:`workbench.interop.taguette_csv` a codebook CSV). Every way of creating a
code takes its key and colour from :func:`new_code_key` and :func:`default_colour`.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import NamedTuple

CODE_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
TEXT_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")  # a code's texts besides its name


class CodeSpec(NamedTuple):  # a tuple: a 100,000-code file makes 100,000 of them, 5x faster than a frozen dataclass
    key: str
    name: str
    parent: str | None
    origin: str = "deductive"
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    keywords: tuple[str, ...] = ()
    colour: str | None = None
    codable: bool = True
    line: int = 0


def normalise_colour(value: str) -> str:
    """``#abc`` → ``#AABBCC``; ``#a1b2c3`` → ``#A1B2C3``."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "code"


# --- the rules for a new code (every way of creating one goes through these) ---------------------

MAX_KEY = 255  # the key column's length
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC")


def new_code_key(name: str, parent_key: str | None, taken: Container[str], wanted: str | None = None) -> str:
    """The key of a new code: ``wanted`` when it is a valid, free id; else the parent's key + "." + the
    name's slug (the slug alone at the top level), cut to fit and made unique with ``_2``, ``_3`` …"""
    if wanted and CODE_ID.match(wanted) and len(wanted) <= MAX_KEY and wanted not in taken:
        return wanted
    stem = (f"{parent_key}.{slugify(name)}" if parent_key else slugify(name))[: MAX_KEY - 6]
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}_{number}", number + 1
    return key


def default_colour(position: int) -> str:
    """The palette colour of a code without one: by its position among its siblings."""
    return PALETTE[position % len(PALETTE)]
