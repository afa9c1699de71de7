"""What a REFI-QDA file says, parsed into plain frozen values (no database, no lxml objects).

GUIDs are normalised (braces stripped, lower case) everywhere in here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from workbench.interop.positions import SourceText

# Our exported Description of a code: the definition, then labelled sections, ending with the id.
SECTION_LABELS = {
    "When to use": "when_to_use",
    "When not to use": "when_not_to_use",
    "Example": "example",
    "Keywords": "keywords",
    "Memo": "memos",
    "Workbench id": "key",
}
_SECTION = re.compile(r"^(When to use|When not to use|Example|Keywords|Memo|Workbench id): ?(.*)$")
# Our exported Description of a theme's Set: a header line, a blank line, the description.
THEME_HEADER = re.compile(r"^Theme (?P<label>\S+); type: (?P<type>[^;\n]+?)(?:; category: (?P<category>[^\n]+?))?\s*$")


@dataclass(frozen=True)
class CodeText:
    """A code's Description split into our fields (only when we wrote it: it ends with a 'Workbench id:' line).

    ``memos`` are the code's memos, one "Memo:" section each: the project export writes them into the
    Description too, because some readers (QualCoder) read nothing else of a code.
    """

    definition: str | None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    keywords: tuple[str, ...] = ()
    key: str | None = None
    memos: tuple[str, ...] = ()


def split_code_description(description: str | None, *, strict: bool = True) -> CodeText:
    """Split our labelled Description back into fields. ``strict``: only when it ends with our id line
    (a description another tool wrote stays whole); otherwise any labelled lines are read (codebook CSV)."""
    if not description or not description.strip():
        return CodeText(None)
    lines = description.strip().split("\n")
    last = _SECTION.match(lines[-1])
    if strict and (last is None or last.group(1) != "Workbench id"):
        return CodeText(description.strip())
    head: list[str] = []
    fields: dict[str, list[str]] = {}
    memos: list[list[str]] = []
    current: list[str] = head
    for line in lines:
        match = _SECTION.match(line)
        if match and match.group(1) == "Memo" and not strict:
            match = None  # only our own project export writes memos into a code's Description
        if match and match.group(1) == "Memo":
            current = [match.group(2)]
            memos.append(current)
        elif match:
            current = fields.setdefault(SECTION_LABELS[match.group(1)], [])
            current.append(match.group(2))
        else:
            current.append(line)

    def joined(name: str) -> str | None:
        value = "\n".join(fields.get(name, [])).strip()
        return value or None

    keywords = tuple(k.strip() for k in (joined("keywords") or "").split(";") if k.strip())
    return CodeText(
        definition="\n".join(head).strip() or None,
        when_to_use=joined("when_to_use"),
        when_not_to_use=joined("when_not_to_use"),
        example=joined("example"),
        keywords=keywords,
        key=joined("key"),
        memos=tuple(text for text in ("\n".join(memo).strip() for memo in memos) if text),
    )


def join_code_description(
    definition: str | None,
    when_to_use: str | None,
    when_not_to_use: str | None,
    example: str | None,
    keywords: tuple[str, ...] | list[str],
    key: str | None,
    memos: tuple[str, ...] | list[str] = (),
) -> str:
    """Our labelled Description of a code; ``key`` None leaves out the id line (codebook CSV)."""
    parts = [definition.strip()] if definition and definition.strip() else []
    sections = [
        f"{label}: {value.strip()}"
        for label, value in (("When to use", when_to_use), ("When not to use", when_not_to_use), ("Example", example))
        if value and value.strip()
    ]
    if keywords:
        sections.append("Keywords: " + "; ".join(keywords))
    sections.extend(f"Memo: {memo.strip()}" for memo in memos if memo and memo.strip())
    if key is not None:
        sections.append(f"Workbench id: {key}")
    return "\n\n".join(parts + (["\n".join(sections)] if sections else []))


@dataclass(frozen=True)
class ParsedCode:
    guid: str
    name: str
    parent: str | None  # parent's GUID
    codable: bool
    colour: str | None  # "#RRGGBB" or None
    text: CodeText
    notes: tuple[str, ...] = ()
    line: int | None = None
    origin: str = "deductive"  # what an added code becomes (a merge brings inductive codes as such)


@dataclass(frozen=True)
class ParsedSet:
    guid: str
    name: str
    description: str | None
    codes: tuple[str, ...]
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class ParsedUser:
    guid: str
    name: str


@dataclass(frozen=True)
class ParsedCoding:
    guid: str
    code: str
    user: str | None
    created: datetime | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedSelection:
    guid: str
    start: int  # as the file counts (converted later)
    end: int
    quote: str | None  # @name, which ATLAS.ti fills with the selected text
    user: str | None
    created: datetime | None
    description: str | None
    codings: tuple[ParsedCoding, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedText:
    """A TextSource, a PDF's text Representation or an audio/video Transcript: plain text we can hold."""

    guid: str
    name: str
    element: str  # "TextSource", "PDF representation", "Transcript"
    reference: str  # plainTextPath, or "PlainTextContent"
    text: SourceText | None
    problem: str | None  # why there is no text
    external: str | None  # file read from outside the package
    selections: tuple[ParsedSelection, ...]
    whole: tuple[ParsedCoding, ...]  # codings of the whole source
    description: str | None
    notes: tuple[str, ...]
    user: str | None
    created: datetime | None


@dataclass(frozen=True)
class ParsedNote:
    guid: str
    name: str | None
    text: str
    user: str | None
    created: datetime | None


@dataclass(frozen=True)
class ParsedCase:
    guid: str
    name: str | None
    description: str | None
    values: tuple[tuple[str, str], ...]  # (variable name, value)
    line: int | None = None
    sources: tuple[str, ...] = ()  # SourceRef GUIDs


@dataclass(frozen=True)
class ParsedLink:
    guid: str
    origin: str | None
    target: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedProject:
    name: str
    origin: str | None
    creating_user: str | None
    users: tuple[ParsedUser, ...]
    codes: tuple[ParsedCode, ...]
    sets: tuple[ParsedSet, ...]
    texts: tuple[ParsedText, ...]
    notes: tuple[ParsedNote, ...]
    links: tuple[ParsedLink, ...]
    cases: tuple[ParsedCase, ...]
    project_notes: tuple[str, ...]
    description: str | None
    skipped: tuple[tuple[str, int], ...] = ()
    targets: dict[str, str] = field(default_factory=dict)  # GUID → kind of element ("selection", "code", ...)
