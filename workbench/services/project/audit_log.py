"""Reading the audit trail: per code, per source, or all; as rows for the CLI, TUI and CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from workbench.atomic import write_text
from workbench.errors import WorkbenchError
from workbench.services.codebook.codes import require_code
from workbench.services.export.sheets import csv_text
from workbench.services.project.sources import require_source
from workbench.store.engine import Project
from workbench.store.models import AuditEntry, Code, Coder, Source


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    coder: str | None
    action: str
    entity_kind: str
    entity_id: int | None
    summary: str
    before: dict | None
    after: dict | None
    note: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "coder": self.coder,
            "action": self.action,
            "entity": self.entity_kind,
            "id": self.entity_id,
            "summary": self.summary,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }


def audit_rows(project: Project, *, code: str | None = None, source: str | None = None, limit: int | None = None) -> list[AuditRow]:
    """Audit entries, newest first, optionally only those about one code or one source."""
    if limit is not None and limit <= 0:
        raise WorkbenchError(f"--limit must be 1 or more, not {limit}; leave it out for every entry")
    with project.session() as session:
        code_id = require_code(session, code).id if code else None
        source_id = require_source(session, source).id if source else None
        codes = dict(session.execute(select(Code.id, Code.key)).all())
        sources = dict(session.execute(select(Source.id, Source.name)).all())
        rows = session.execute(
            select(AuditEntry, Coder.name)
            .outerjoin(Coder, Coder.id == AuditEntry.coder_id)
            .order_by(AuditEntry.id.desc())
        ).all()
    result: list[AuditRow] = []
    for entry, coder in rows:
        values = {**(entry.before or {}), **(entry.after or {})}
        if code_id is not None and not (
            (entry.entity_kind == "code" and entry.entity_id == code_id) or values.get("code_id") == code_id
        ):
            continue
        if source_id is not None and values.get("source_id") != source_id:
            continue
        result.append(
            AuditRow(entry.at, coder, entry.action, entry.entity_kind, entry.entity_id,
                     _summary(entry, values, codes, sources), entry.before, entry.after, entry.note)
        )
        if limit is not None and len(result) >= limit:
            break
    return result


def _summary(entry: AuditEntry, values: dict, codes: dict[int, str], sources: dict[int, str]) -> str:
    if entry.entity_kind in ("coding", "adjudication"):
        code = _name_of(codes, values.get("code_id"), f"code #{values.get('code_id')}")
        where = _name_of(sources, values.get("source_id"), f"source #{values.get('source_id')}")
        return f"{code} in {where} {values.get('start')}-{values.get('end')}"
    if entry.entity_kind == "code":
        name = values.get("key") or _name_of(codes, entry.entity_id, f"#{entry.entity_id}")
        changed = ", ".join(sorted((entry.after or {}).keys())) if entry.action == "update" else ""
        return f"{name}{': ' + changed if changed else ''}"
    if entry.entity_kind == "coder" and entry.action in ("blind", "unblind"):
        return "blind coding on" if entry.action == "blind" else "blind coding lifted"
    return f"{entry.entity_kind} #{entry.entity_id}"


def _name_of(names: dict[int, str], entity_id: object, fallback: str) -> str:
    """The name of an id an entry holds (from its JSON: maybe missing); ``fallback`` for one deleted since."""
    return names.get(entity_id, fallback) if isinstance(entity_id, int) else fallback


def write_audit_csv(rows: list[AuditRow], path: Path) -> None:
    header = ["at", "coder", "action", "entity", "id", "summary", "before", "after", "note"]
    write_text(path, csv_text(header, ([
            row.at.isoformat(), row.coder or "", row.action, row.entity_kind, row.entity_id or "", row.summary,
            json.dumps(row.before, ensure_ascii=False) if row.before else "",
            json.dumps(row.after, ensure_ascii=False) if row.after else "", row.note or "",
    ] for row in rows)))
