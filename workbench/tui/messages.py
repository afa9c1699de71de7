"""Messages shared across screens; workers post these with their results and never touch widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:  # what the messages carry; imported by the screens that send them
    from workbench.services.codebook.codes import CodeInfo
    from workbench.services.coding.codings import CodingInfo
    from workbench.services.coding.suggestions import SuggestionView
    from workbench.services.project.participants import ParticipantInfo
    from workbench.services.project.sources import SourceSummary
    from workbench.services.text.documents import SourceDocument
    from workbench.services.text.search import Hit


@dataclass
class SourcesLoaded(Message):
    """The Sources screen's table and the participants (for the attribute filter)."""

    sources: list[SourceSummary]
    participants: list[ParticipantInfo]


@dataclass
class DocumentLoaded(Message):
    """A source's text, turns and segments, ready to lay out."""

    document: SourceDocument


@dataclass
class CodingsLoaded(Message):
    """The codings shown on a source, as the database has them after action number ``seq``."""

    source_id: int
    codings: list[CodingInfo]
    seq: int = 0


@dataclass
class CodesLoaded(Message):
    """The codebook in tree order."""

    codes: list[CodeInfo]


@dataclass
class SuggestionsLoaded(Message):
    """Pending suggestions of the current coder on a source."""

    source_id: int
    suggestions: list[SuggestionView]


@dataclass
class SearchFinished(Message):
    query: str
    hits: list[Hit]


@dataclass
class MemoLoaded(Message):
    """A memo's current text, read in a worker, ready to edit."""

    kind: str  # "coding" | "source" | "code"
    target_id: int
    title: str
    text: str


@dataclass
class Notice(Message):
    """Something a worker wants the user to know (shown as a notification)."""

    text: str
    severity: SeverityLevel = "information"

