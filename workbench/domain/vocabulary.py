"""The fixed vocabularies of a project, in one place: the store's columns and CHECK constraints,
the services' validation and the screens' choices all come from here.

Values are the strings stored in the database, so a ``StrEnum`` member compares equal to the
stored text (``SourceKind.INTERVIEW == "interview"``).
"""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    INTERVIEW = "interview"
    FOCUS_GROUP = "focus-group"
    OTHER = "other"


class SpeakerRole(StrEnum):
    PARTICIPANT = "participant"
    INTERVIEWER = "interviewer"


class CodeOrigin(StrEnum):
    DEDUCTIVE = "deductive"
    INDUCTIVE = "inductive"


class MemoTarget(StrEnum):
    PROJECT = "project"
    SOURCE = "source"
    CODE = "code"
    PARTICIPANT = "participant"


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Decision(StrEnum):
    """How a disagreement between two coders was settled in the consensus layer."""

    FIRST = "first"
    SECOND = "second"
    UNION = "union"
    INTERSECTION = "intersection"
    NEITHER = "neither"
    EDITED = "edited"  # the adjudicator drew the consensus spans by hand


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# The coder whose codings are the adjudicated consensus of a review (unless a review names another).
CONSENSUS_CODER = "consensus"


def sql_in(column: str, vocabulary: type[StrEnum]) -> str:
    """The SQL of a CHECK constraint that keeps ``column`` inside ``vocabulary``."""
    return f"{column} IN ({', '.join(repr(str(member)) for member in vocabulary)})"


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    return tuple(str(member) for member in vocabulary)
