"""Small REFI-QDA packages written by the tests (nothing copied from ../shared)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from workbench.domain.spans import code_points_to_utf16

DATA = Path(__file__).resolve().parent / "data"
# ../shared beside the checkout; $WORKBENCH_SHARED points elsewhere (a git worktree lives one level deeper)
SHARED = Path(os.environ.get("WORKBENCH_SHARED") or Path(__file__).resolve().parents[3] / "shared")
SAMPLES = SHARED / "interop" / "refi-qda" / "samples"
SCHEMAS = SHARED / "interop" / "refi-qda" / "schemas"


def make_zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, payload in entries.items():
            package.writestr(name, payload.encode("utf-8") if isinstance(payload, str) else payload)
    return path


# An NVivo-for-Windows-like export: UTF-8 with BOM, CRLF line ends, emoji, positions in UTF-16 units counting
# CRLF as two, "Sources/" with a capital S and "Project.qde" with a capital P, empty <Description />s.
NVIVO_LINES = [
    "video_id",
    "Great news 😀😀 for everyone",
    "Vaccines save lives 💉 really",
    "I disagree 👎👎👎 strongly with this",
    "Final comment here",
]
NVIVO_QUOTES = ["Great news", "save lives", "strongly with this", "Final comment"]
SOURCE_GUID = "68BBDC14-C361-4432-B4DD-AE1DBFC12890"


def nvivo_like(path: Path, *, origin: str = "NVivo for Windows 12.6") -> Path:
    crlf_text = "\r\n".join(NVIVO_LINES) + "\r\n"
    selections = []
    for number, quote in enumerate(NVIVO_QUOTES):
        start_cp = crlf_text.index(quote)
        start = code_points_to_utf16(crlf_text, start_cp)
        end = code_points_to_utf16(crlf_text, start_cp + len(quote))
        code = "20000000-0000-0000-0000-00000000000" + ("1" if number % 2 == 0 else "2")
        selections.append(
            f'<PlainTextSelection guid="50000000-0000-0000-0000-00000000000{number}" name="" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="10000000-0000-0000-0000-000000000001"><Description />'
            f'<Coding guid="60000000-0000-0000-0000-00000000000{number}" creatingUser="10000000-0000-0000-0000-000000000001" '
            f'creationDateTime="2025-06-18T02:06:50Z"><CodeRef targetGUID="{code}" /></Coding></PlainTextSelection>'
        )
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Untitled" origin="{origin}" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users><User guid="10000000-0000-0000-0000-000000000001" name="floriansipos" /></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000000" name="Attitudes" isCodable="true"><Description />
      <Code guid="20000000-0000-0000-0000-000000000001" name="Positive" isCodable="true" />
      <Code guid="20000000-0000-0000-0000-000000000002" name="Negative" isCodable="true" />
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{SOURCE_GUID.lower()}" name="comments" richTextPath="internal://{SOURCE_GUID.lower()}.docx" plainTextPath="internal://{SOURCE_GUID.lower()}.txt">
      <Description />
      {''.join(selections)}
    </TextSource>
  </Sources>
</Project>
"""
    return make_zip(
        path,
        {
            "Project.qde": qde,
            f"Sources/{SOURCE_GUID.lower()}.txt": b"\xef\xbb\xbf" + crlf_text.encode("utf-8"),
            f"Sources/{SOURCE_GUID.lower()}.docx": b"PK\x05\x06" + b"\x00" * 18,
        },
    )


def minimal_project(body: str = "", sources: str = "", codes: str = "", users: str = "") -> str:
    """A small project.qde with one user, one code and whatever the caller adds."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Small" origin="Tests">
  <Users><User guid="10000000-0000-0000-0000-000000000001" name="Ann" />{users}</Users>
  <CodeBook><Codes><Code guid="20000000-0000-0000-0000-000000000001" name="Topic" isCodable="true" />{codes}</Codes></CodeBook>
  <Sources>{sources}</Sources>
  {body}
</Project>
"""


def text_source(guid: str, reference: str, selections: str = "", name: str = "Doc") -> str:
    return f'<TextSource guid="{guid}" name="{name}" plainTextPath="{reference}">{selections}</TextSource>'


def selection(start: int, end: int, code: str = "20000000-0000-0000-0000-000000000001", number: int = 1) -> str:
    return (
        f'<PlainTextSelection guid="50000000-0000-0000-0000-00000000000{number}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="60000000-0000-0000-0000-00000000000{number}" creatingUser="10000000-0000-0000-0000-000000000001">'
        f'<CodeRef targetGUID="{code}" /></Coding></PlainTextSelection>'
    )
