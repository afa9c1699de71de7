"""The command-line tests' one helper: run ``workbench`` in-process and read what it printed."""

from __future__ import annotations

import gc

from workbench.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """``workbench ARGV`` in this process: its exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    gc.collect()  # in-process commands leave their engines to the collector: closing them checkpoints the WAL
    return code, out, err
