"""Where the bundled data lives: inside the wheel, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a top-level project folder (``migrations``, ``codebooks``, ``transcripts``).

    An installed wheel carries them under ``workbench/_bundled/``; a checkout
    (editable install, tests) has them beside the package.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    from workbench.errors import WorkbenchError

    raise WorkbenchError(f"the bundled folder {name!r} is missing from this installation; reinstall thematic-workbench")
