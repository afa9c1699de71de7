"""The audit trail: who created, changed or deleted which coding, code, theme or adjudication.

A ``before_flush`` listener on every project session turns ORM changes of the
audited models into append-only :class:`AuditEntry` rows in the same
transaction, with the before and after values of the changed columns. The
actor is the coder named in ``session.info["actor"]`` (set by
``Project.session(actor=...)`` or ``Project.actor``), created when it has
done nothing before, so every change is recorded under who made it. Bulk
inserts through Core of transcripts (turns, segments) are not audited: they
create sources, not analysis; rows inserted in bulk (codings from a CSV import
or a merge, codes from a codebook file) are, through :func:`record_bulk_creates`,
in the same form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, inspect, select
from sqlalchemy.orm import Session

from workbench.domain.vocabulary import AuditAction
from workbench.store.models import Adjudication, AuditEntry, Base, Code, Coder, Coding, Theme, utcnow

AUDITED: dict[type[Base], str] = {Coding: "coding", Code: "code", Theme: "theme", Adjudication: "adjudication"}
SKIPPED_COLUMNS = {"created_at", "updated_at", "version"}
Audited = Coding | Code | Theme | Adjudication


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _snapshot(obj: object) -> dict[str, Any]:
    state = inspect(obj)
    return {
        attr.key: _plain(attr.value)
        for attr in state.attrs
        if attr.key in state.mapper.columns and attr.key not in SKIPPED_COLUMNS
    }


def _changes(obj: object) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.attrs:
        if attr.key not in state.mapper.columns or attr.key in SKIPPED_COLUMNS:
            continue
        history = attr.history
        if history.has_changes():
            before[attr.key] = _plain(history.deleted[0]) if history.deleted else None
            after[attr.key] = _plain(history.added[0]) if history.added else None
    return before, after


def record_changes(session: Session, _context: object, _instances: object) -> None:
    entries: list[AuditEntry] = []
    created: list[tuple[AuditEntry, Audited]] = []  # (entry, new row): the row's id is known after the flush
    for obj in list(session.new):
        kind = AUDITED.get(type(obj))
        if kind:
            entries.append(AuditEntry(action=AuditAction.CREATE, entity_kind=kind, entity_id=None, after=_snapshot(obj)))
            created.append((entries[-1], obj))
    for obj in list(session.dirty):
        kind = AUDITED.get(type(obj))
        if kind and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                entries.append(AuditEntry(action=AuditAction.UPDATE, entity_kind=kind, entity_id=obj.id, before=before, after=after))
    for obj in list(session.deleted):
        kind = AUDITED.get(type(obj))
        if kind:
            entries.append(AuditEntry(action=AuditAction.DELETE, entity_kind=kind, entity_id=obj.id, before=_snapshot(obj)))
    if not entries:
        return
    actor = session.info.get("actor")
    coder = None
    if actor:
        with session.no_autoflush:
            coder = session.scalar(select(Coder).where(Coder.name == actor))
            if coder is None:  # the acting coder has done nothing yet: named all the same
                coder = next((c for c in session.new if isinstance(c, Coder) and c.name == actor), None) or Coder(name=actor)
                session.add(coder)
    note = session.info.get("audit_note")
    for entry in entries:
        entry.coder = coder
        entry.note = note
        session.add(entry)
    session.info.setdefault("_audit_pending", []).extend(created)


def fill_created_ids(session: Session, _context: object) -> None:
    """After the flush, created rows have ids: copy them into their audit entries."""
    pending = session.info.pop("_audit_pending", [])
    for entry, target in pending:
        entry.entity_id = target.id
        if entry.after is not None:
            entry.after = {**entry.after, "id": target.id}


def record_bulk_creates(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Audit rows inserted in bulk (which the ``before_flush`` listener never sees) as it would:
    one ``create`` entry per row, after = its columns with its id, under the session's actor and note."""
    if not rows:
        return
    kind = AUDITED[model]
    table = model.__table__
    columns = [c.key for c in table.columns if c.key not in SKIPPED_COLUMNS]
    dated = [c for c in columns if isinstance(table.c[c].type, (Date, DateTime))]
    actor = session.info.get("actor")
    coder_id = None
    if actor:  # named even when the actor has not coded before, as record_changes does
        coder = session.scalar(select(Coder).where(Coder.name == actor))
        if coder is None:
            coder = Coder(name=actor)
            session.add(coder)
            session.flush()
        coder_id = coder.id
    note, at = session.info.get("audit_note"), utcnow()
    entries = [
        {"at": at, "coder_id": coder_id, "action": "create", "entity_kind": kind, "entity_id": row["id"],
         "before": None, "after": {c: row.get(c) for c in columns}, "note": note}
        for row in rows
    ]
    for entry in entries if dated else ():
        entry["after"].update({c: _plain(entry["after"][c]) for c in dated})
    from workbench.store.bulk import insert_values

    insert_values(session.connection(), AuditEntry.__table__, entries)  # one executemany
