"""Reading the small files the paper outputs take (an order file, attribute types), defensively."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import InputError

MAX_BYTES = 1_000_000


def read_small_file(path: Path, what: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``; a folder, a device or pipe, or a file over ``limit`` bytes is refused in one line."""
    try:
        if not path.exists():
            raise InputError(path, f"no such file; check the path of the {what}")
        if not path.is_file():
            raise InputError(path, f"is not a file; give the {what} as a file")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise InputError(path, f"cannot read the {what} ({error.strerror})") from None
    if len(data) > limit:
        raise InputError(path, f"the {what} is over {limit // 1000:,} kB; it should be a short list")
    return data
