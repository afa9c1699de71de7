"""A handout: a new project file for one coder, holding nothing of any other coder.

``make_handout(project, OUT.db, coder)`` writes a SQLite project with the
sources (all, or those named) and their turns and segments, the participants
and their attributes, the codebook, and that coder's own codings, memos and
suggestions — copied row by row from a whitelist (:data:`TABLES`), so a table
added later is left out until someone decides what a handout should carry of
it (a test checks every table has a rule). Other coders' codings, memos and
suggestions, adjudications and the audit trail never leave the project; codes
keep no trace of who created them unless it was this coder.

The file remembers the project id, the time and the coder
(:mod:`.identity`), opens blind for that coder, and is written all or nothing
(a temporary file beside it, renamed when complete). It is always a new file.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, select
from sqlalchemy.orm import Session

from workbench.atomic import replacing
from workbench.errors import WorkbenchError
from workbench.services.handout.identity import (
    HANDOUT_CODER,
    HANDOUT_FROM,
    HANDOUT_MADE,
    PROJECT_ID,
    project_id,
)
from workbench.services.project.coders import check_coder_name
from workbench.services.project.participants import INTERVIEWER_SETTING
from workbench.services.project.sources import require_source
from workbench.store.engine import Project
from workbench.store.models import (
    Adjudication,
    AuditEntry,
    Base,
    Code,
    Codebook,
    Coder,
    Coding,
    Exemplar,
    Memo,
    Participant,
    ParticipantAttribute,
    Segment,
    Setting,
    Source,
    Suggestion,
    Theme,
    ThemeCategory,
    ThemeCode,
    ThemeType,
    Turn,
)

# What a handout carries of each table (tests/services/test_handout.py checks that every table has a rule).
TABLES: dict[str, str] = {
    "coder": "the handout's coder only",
    "participant": "all",
    "participant_attribute": "all",
    "source": "all, or the sources named",
    "turn": "of the sources handed out",
    "segment": "of the sources handed out",
    "codebook": "all",
    "code": "all; created_by kept only when it is the handout's coder",
    "coding": "the coder's, on the sources handed out",
    "memo": "the coder's (source memos only on the sources handed out)",
    "suggestion": "the coder's, on the sources handed out",
    "setting": "interviewer labels, REFI-QDA GUIDs and the project id; then the handout's own",
    "theme_type": "with --with-themes",
    "theme_category": "with --with-themes",
    "theme": "with --with-themes",
    "theme_code": "with --with-themes",
    "exemplar": "with --with-themes, those on the coder's codings",
    "adjudication": "never (agreement and consensus stay in the project)",
    "audit_entry": "never",
}
SETTINGS_KEPT = (INTERVIEWER_SETTING, PROJECT_ID)
SETTINGS_PREFIXES = ("refi_qda.",)
CHUNK = 5_000


@dataclass(frozen=True)
class HandoutReport:
    path: str
    coder: str
    project_id: str
    sources: int
    participants: int
    codes: int
    codings: int
    memos: int
    themes: int

    def lines(self) -> list[str]:
        themes = f", {self.themes} themes" if self.themes else ""
        name = shlex.quote(Path(self.path).name)
        return [
            (f"{self.path}: handout for {self.coder} written ({self.sources} sources, {self.participants} participants, "
             f"{self.codes} codes, {self.codings} of {self.coder}'s codings, {self.memos} memos{themes})"),
            f"  send it to {self.coder}; they open it with: workbench --db {name}  (blind, as {self.coder})",
            f"  merge it back with: workbench merge {name}",
        ]


def make_handout(
    project: Project, out: Path, coder: str, sources: Iterable[str] = (), *, with_themes: bool = False
) -> HandoutReport:
    coder = check_coder_name(coder)
    if out.exists():
        raise WorkbenchError(f"{out}: already exists; a handout is always a new file — choose another name")
    if out.suffix.lower() != ".db":
        raise WorkbenchError(f"{out}: a handout is a project file; give it a name ending in .db")
    with project.session() as session:  # creates this project's id on first need, so it is committed
        pid = project_id(session)
    with project.session() as session, replacing(out) as temporary:
        handout = Project.open(str(temporary))
        try:
            with handout.engine.begin() as target:
                counts = _Copier(session, target, coder, list(sources), with_themes).copy(pid, project)
        finally:
            handout.close()  # the last connection closing checkpoints the WAL: one self-contained file
    return HandoutReport(str(out), coder, pid, **counts)


class _Copier:
    def __init__(self, session: Session, target: Connection, coder: str, sources: list[str], with_themes: bool) -> None:
        self.session, self.target, self.coder, self.with_themes = session, target, coder, with_themes
        self.source_ids = sorted({require_source(session, name).id for name in sources}) or list(
            session.scalars(select(Source.id))
        )
        self.coder_id = session.scalar(select(Coder.id).where(Coder.name == coder))
        self.made_at = datetime.now(UTC)  # before reading: a later change in the project is newer

    def rows(self, model: type[Base], *where: ColumnElement[bool]) -> list[dict[str, Any]]:
        table = model.__table__
        query = select(table)
        for condition in where:
            query = query.where(condition)
        return [dict(row._mapping) for row in self.session.execute(query.order_by(*table.primary_key.columns))]

    def put(self, model: type[Base], rows: list[dict[str, Any]]) -> int:
        table = model.__table__
        for start in range(0, len(rows), CHUNK):
            self.target.execute(table.insert(), rows[start : start + CHUNK])
        return len(rows)

    def copy(self, pid: str, project: Project) -> dict[str, int]:
        mine = [] if self.coder_id is None else [Coding.coder_id == self.coder_id]
        if self.coder_id is None:
            self.put(Coder, [{"name": self.coder, "created_at": datetime.now(UTC)}])
        else:
            self.put(Coder, self.rows(Coder, Coder.id == self.coder_id))
        participants = self.put(Participant, self.rows(Participant))
        self.put(ParticipantAttribute, self.rows(ParticipantAttribute))
        sources = self.put(Source, self.rows(Source, Source.id.in_(self.source_ids)))
        self.put(Turn, self.rows(Turn, Turn.source_id.in_(self.source_ids)))
        self.put(Segment, self.rows(Segment, Segment.source_id.in_(self.source_ids)))
        self.put(Codebook, self.rows(Codebook))
        codes = self.put(Code, self._codes())
        codings = memos = 0
        coding_rows: list[dict] = []
        if self.coder_id is not None:
            coding_rows = self.rows(Coding, *mine, Coding.source_id.in_(self.source_ids))
            codings = self.put(Coding, coding_rows)
            memo_rows = [
                m for m in self.rows(Memo, Memo.coder_id == self.coder_id)
                if m["target_kind"] != "source" or m["target_id"] in set(self.source_ids)
            ]
            memos = self.put(Memo, memo_rows)
            self.put(Suggestion, self.rows(
                Suggestion, Suggestion.coder_id == self.coder_id, Suggestion.source_id.in_(self.source_ids)))
        themes = self._themes({c["id"] for c in coding_rows}) if self.with_themes else 0
        self._settings(pid, project)
        return {"sources": sources, "participants": participants, "codes": codes, "codings": codings,
                "memos": memos, "themes": themes}

    def _codes(self) -> list[dict]:
        rows = self.rows(Code)
        for row in rows:
            if row["created_by_id"] != self.coder_id:
                row["created_by_id"] = None
        by_id = {row["id"]: row for row in rows}

        def depth(row: dict) -> int:
            level, parent = 0, row["parent_id"]
            while parent is not None and parent in by_id and level < len(by_id):
                level, parent = level + 1, by_id[parent]["parent_id"]
            return level

        return sorted(rows, key=lambda row: (depth(row), row["id"]))  # parents before their children

    def _themes(self, coding_ids: set[int]) -> int:
        self.put(ThemeType, self.rows(ThemeType))
        self.put(ThemeCategory, self.rows(ThemeCategory))
        themes = self.put(Theme, self.rows(Theme))
        self.put(ThemeCode, self.rows(ThemeCode))
        self.put(Exemplar, [e for e in self.rows(Exemplar) if e["coding_id"] in coding_ids])
        return themes

    def _settings(self, pid: str, project: Project) -> None:
        kept = [
            s for s in self.rows(Setting)
            if s["key"] in SETTINGS_KEPT or s["key"].startswith(SETTINGS_PREFIXES)
        ]
        made_from = project.engine.url.render_as_string(hide_password=True)
        own = {
            PROJECT_ID: pid,
            HANDOUT_CODER: self.coder,
            HANDOUT_MADE: self.made_at.isoformat(),
            HANDOUT_FROM: made_from.removeprefix("sqlite:///"),
        }
        rows = [s for s in kept if s["key"] not in own] + [{"key": k, "value": v} for k, v in own.items()]
        self.put(Setting, rows)


# Tables a handout never carries, named so a reader sees they are left out on purpose.
NEVER = (Adjudication, AuditEntry)
