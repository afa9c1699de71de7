"""Which project a file belongs to, and whether it is a handout (and for whom).

Every project gets a random id once (the ``project.id`` setting, created on
first need, in the caller's transaction); a handout and any copy of the
project keep it, so a merge can tell a file of this project from another's.
A handout also remembers its coder, when it was made and from which file.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.store.engine import Project
from workbench.store.models import Setting

PROJECT_ID = "project.id"
HANDOUT_CODER = "handout.coder"
HANDOUT_MADE = "handout.made_at"
HANDOUT_FROM = "handout.from"
HANDOUT_KEYS = (HANDOUT_CODER, HANDOUT_MADE, HANDOUT_FROM)


@dataclass(frozen=True)
class HandoutOrigin:
    """What a handout remembers about where it came from."""

    project_id: str | None
    coder: str
    made_at: datetime | None
    made_from: str | None


def project_id(session: Session) -> str:
    """This project's id, created (in the caller's transaction) on first need."""
    setting = session.get(Setting, PROJECT_ID)
    if setting is None:
        setting = Setting(key=PROJECT_ID, value=str(uuid.uuid4()))
        session.add(setting)
        session.flush()
    return setting.value


def settings(session: Session, keys: tuple[str, ...]) -> dict[str, str]:
    return dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all())


def handout_origin(session: Session) -> HandoutOrigin | None:
    """The handout's origin, or None when the project is not a handout."""
    values = settings(session, (PROJECT_ID, *HANDOUT_KEYS))
    if HANDOUT_CODER not in values:
        return None
    return HandoutOrigin(values.get(PROJECT_ID), values[HANDOUT_CODER], parse_time(values.get(HANDOUT_MADE)),
                         values.get(HANDOUT_FROM))


def parse_time(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return as_utc(moment) if moment else None


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored in UTC); PostgreSQL aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def handout_coder_of_file(path: Path) -> str | None:
    """The coder a SQLite handout file was made for, read without opening it as a project (None otherwise)."""
    try:
        if not path.is_file():
            return None
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM setting WHERE key = ?", (HANDOUT_CODER,)).fetchone()
        finally:
            connection.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    return row[0] if row else None


def handout_opens_blind(project: Project, coder: str) -> bool:
    """The blind hook: a handout opens blind for the coder it was made for."""
    with project.session() as session:
        origin = handout_origin(session)
    return origin is not None and origin.coder == coder
