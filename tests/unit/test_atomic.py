"""Writing files all or nothing, with the permissions an ordinary open() gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from workbench.atomic import replacing, write_bytes, write_text
from workbench.errors import WorkbenchError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask_not_mkstemps_private_mode(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        from workbench import atomic

        atomic._umask.cache_clear()
        write_text(tmp_path / "out.csv", "a,b\n")
    finally:
        os.umask(previous)
        atomic._umask.cache_clear()
    assert (tmp_path / "out.csv").read_bytes() == b"a,b\n"
    assert mode(tmp_path / "out.csv") == 0o640


def test_an_existing_file_keeps_its_mode_and_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    target.chmod(0o604)
    write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents" and mode(target) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]  # no temporary left


def test_a_failure_halfway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "themes.yaml"
    target.write_text("kept", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with replacing(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise RuntimeError("a bug while writing")
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["themes.yaml"]


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="the folder .*missing does not exist; create it or choose another path"):
        write_text(tmp_path / "missing" / "x.csv", "")


def test_a_pipe_or_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """``export ... /dev/stdout`` (or /dev/null, a named pipe) writes into it; replacing it would swap
    the device node for a regular file (as root, /dev/null itself). Tested on a named pipe."""
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # holds it open, so the writer does not block
    try:
        write_text(fifo, "a,b\n")
        assert os.read(reader, 100) == b"a,b\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
