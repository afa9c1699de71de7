"""Text that leaves the project for a terminal: control characters shown, passwords hidden.

Project text (transcripts, file and source names, speaker labels, code names, memos,
attribute values) is stored byte-exact; offsets count its code points. Shown on a
terminal, an ESC, BEL or C1 character would be obeyed instead of shown — a window
title or clipboard write (OSC), a cleared screen (CSI). :func:`for_terminal` replaces
each such character with ONE visible character, so a column on screen is still an
offset into the stored text:

* C0 controls except tab and line feed (U+0000–U+001F) → their Unicode control
  pictures (ESC → ``␛``, BEL → ``␇``, CR → ``␍``, NUL → ``␀``);
* DEL (U+007F) → ``␡``;
* C1 controls (U+0080–U+009F, e.g. the one-character CSI U+009B) → ``�``.

The CLI writes everything through :class:`TerminalStream` (see ``workbench.cli.main``);
the TUI renders through the same table (``workbench.tui.safe_display``).

:func:`mask_passwords` hides the password of any database URL in a message
(``postgresql://ana:***@host/db``); every error message passes through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

CONTROL_PICTURES: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
CONTROL_PICTURES[0x7F] = "\u2421"  # ␡
CONTROL_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what XML 1.0 (.docx, .xlsx) cannot hold
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_JSON_UNESCAPED = re.compile("[\x7f-\x9f]")  # json.dumps escapes C0 itself, not DEL or C1
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\"]*:)(?P<password>[^\s@'\"]*)(?=@)")
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&;]password=)(?P<password>[^&\s'\"]*)", re.IGNORECASE)


def for_terminal(text: str) -> str:
    """``text`` with every control character but tab and newline replaced by one visible character."""
    return text.translate(CONTROL_PICTURES)


def for_xml(text: str) -> str:
    """``text`` for a Word or Excel file: the characters XML 1.0 cannot hold (C0 controls but tab and
    line ends; U+FFFE, U+FFFF) shown as their pictures, as on a terminal; everything else as it is."""
    return _XML_ILLEGAL.sub(lambda match: CONTROL_PICTURES.get(ord(match.group()), "\ufffd"), text)


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def json_for_terminal(document: str) -> str:
    """A JSON document with DEL and C1 characters written as ``\\u`` escapes: same data, nothing raw."""
    return _JSON_UNESCAPED.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def mask_passwords(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@…`` (and ``?password=…``) shown as ``***``."""
    masked = _URL_PASSWORD.sub(lambda match: f"{match.group('head')}***", text)
    return _QUERY_PASSWORD.sub(lambda match: f"{match.group('head')}***", masked)


def for_message(text: str) -> str:
    """An error message for a terminal: passwords masked, controls visible, on one line."""
    flat = " ".join(part.strip() for part in mask_passwords(text).splitlines() if part.strip())
    return for_terminal(flat)


class TerminalStream:
    """A text stream that writes everything through :func:`for_terminal` (and flushes like the one it wraps).

    ``raw`` is the wrapped stream, for the one output that must stay byte-exact
    (``workbench text`` into a pipe or file).
    """

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(for_terminal(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer...
        return getattr(self.raw, name)


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under a :class:`TerminalStream` (or ``stream`` itself)."""
    return stream.raw if isinstance(stream, TerminalStream) else stream
