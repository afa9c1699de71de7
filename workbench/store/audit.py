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

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring_ascii
from typing import Any, cast

from sqlalchemy import Date, DateTime, Table, inspect, select
from sqlalchemy.orm import Session

from workbench.domain.vocabulary import AuditAction
from workbench.store.bulk import bind_value, insert_columns
from workbench.store.models import Adjudication, AuditEntry, Base, Code, Coder, Coding, Theme, utcnow
from workbench.store.values import check_values

AUDITED: dict[type[Base], str] = {Coding: "coding", Code: "code", Theme: "theme", Adjudication: "adjudication"}
SKIPPED_COLUMNS = {"created_at", "updated_at", "version"}
Audited = Coding | Code | Theme | Adjudication
_NONE = type(None)
_FLAGS = {True: "true", False: "false"}


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


def record_bulk_creates(
    session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]] | Sequence[tuple[Any, ...]],
    columns: Sequence[str] | None = None, *, json_text: Collection[str] = (),
) -> None:
    """Audit rows inserted in bulk (which the ``before_flush`` listener never sees) as it would:
    one ``create`` entry per row, after = its columns with its id, under the session's actor and note.

    ``rows`` are dicts, or tuples in the order of ``columns``; ``json_text`` names columns whose values
    are already JSON text (as stored). Each entry's ``after`` is the JSON text ``json.dumps`` would
    make of the row's columns, built column by column (each value encoded once, no dict per row)."""
    if not rows:
        return
    kind = AUDITED[model]
    table = model.__table__
    assert isinstance(table, Table)
    audited = [c.key for c in table.columns if c.key not in SKIPPED_COLUMNS]
    count = len(rows)
    if columns is None:
        dicts = cast("Sequence[Mapping[str, Any]]", rows)
        by_name: dict[str, Sequence[Any]] = {c: [row.get(c) for row in dicts] for c in audited}
    else:
        by_name = dict(zip(columns, zip(*cast("Sequence[tuple[Any, ...]]", rows))))
    dated = [c for c in audited if isinstance(table.c[c].type, (Date, DateTime))]
    after = json_objects({c: by_name.get(c) for c in audited}, count, json_text=json_text, dated=dated)
    coder_id = _actor_id(session)
    connection = session.connection()
    entries = AuditEntry.__table__
    assert isinstance(entries, Table)
    constants = {"at": utcnow(), "coder_id": coder_id, "action": AuditAction.CREATE.value, "entity_kind": kind,
                 "note": session.info.get("audit_note")}
    check_values(entries, constants)  # the same for every entry: checked and converted once
    same = {c: [bind_value(connection, entries, c, v)] * count for c, v in constants.items()}
    insert_columns(connection, entries, {**same, "entity_id": by_name["id"], "before": [None] * count, "after": after},
                   converted=(*constants, "before", "after"))  # one executemany


def json_objects(columns: Mapping[str, Sequence[Any] | None], count: int, *, json_text: Collection[str] = (),
                 dated: Collection[str] = ()) -> list[str]:
    """``count`` rows given column by column (``None``: a column all null) as JSON object texts, each
    exactly what ``json.dumps`` writes for the row's dict, keys in the order of ``columns``. Values of
    ``json_text`` columns are JSON text already; ``dated`` columns hold dates (written as ISO text)."""
    encoded = []
    for column, values in columns.items():
        if values is None:
            encoded.append(["null"] * count)
        elif column in json_text:
            encoded.append(["null" if v is None else v for v in values])
        elif column in dated:
            encoded.append([_json_value(_plain(v)) for v in values])
        else:
            encoded.append(_json_column(values))
    template = "{" + ", ".join(f"{encode_basestring_ascii(c)}: %s" for c in columns) + "}"
    return [template % parts for parts in zip(*encoded)]


def _actor_id(session: Session) -> int | None:
    """The id of the session's actor, named even when it has not coded before (as record_changes does)."""
    actor = session.info.get("actor")
    if not actor:
        return None
    coder = session.scalar(select(Coder).where(Coder.name == actor))
    if coder is None:
        coder = Coder(name=actor)
        session.add(coder)
        session.flush()
    return coder.id


def _json_value(value: Any) -> str:
    """``value`` as ``json.dumps`` writes it inside an object."""
    if value is None:
        return "null"
    if type(value) is str:
        return encode_basestring_ascii(value)
    return json.dumps(value)


def _json_column(values: Sequence[Any]) -> list[str]:
    """Every value of a column as JSON text, the common kinds of column (text, integers, flags, each with
    or without nulls) without a function call per value."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(map(encode_basestring_ascii, values))
    if kinds == {int}:
        return list(map(int.__repr__, values))
    if kinds == {_NONE}:
        return ["null"] * len(values)
    if kinds == {bool}:
        return list(map(_FLAGS.__getitem__, values))
    if kinds == {str, _NONE}:
        return ["null" if v is None else encode_basestring_ascii(v) for v in values]
    if kinds == {int, _NONE}:
        return ["null" if v is None else int.__repr__(v) for v in values]
    return [_json_value(v) for v in values]
