"""GUIDs: normalising what files carry, and keeping what we export stable.

Design (no schema change needed):

* Each project gets a random namespace UUID once, kept in the ``setting``
  table (``refi_qda.namespace``). An entity's exported GUID is
  ``uuid5(namespace, "<kind>:<stable key>")``: a code's ``key``, a source's
  ``content_hash``, a coder's ``name``, a participant's ``pid``, a theme's
  ``label``, a coding's id. The same project therefore exports the same
  GUIDs every time, and two projects never share them.
* GUIDs read from imported files are remembered in one JSON setting
  (``refi_qda.guids``: ``{kind: {guid: key}}``). Export prefers a remembered
  GUID, so a project that came from NVivo goes back with NVivo's GUIDs, and a
  re-import matches codes by GUID before it tries names. (Non-codable
  folders are a column of the code, ``Code.codable``.)
"""

from __future__ import annotations

import json
import re
import uuid

from sqlalchemy.orm import Session

from workbench.store.models import Setting

NAMESPACE_SETTING = "refi_qda.namespace"
GUIDS_SETTING = "refi_qda.guids"
GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
KINDS = ("code", "source", "coder", "participant", "theme")


def normalise_guid(value: str | None) -> str | None:
    """``{ABC…}`` / ``ABC…`` / ``abc…`` → ``abc…``; anything else non-empty is kept (trimmed, lower-cased)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    match = GUID.match(value)
    return (match.group(1) if match else value.strip("{}")).lower()


def project_namespace(session: Session) -> uuid.UUID:
    """The project's GUID namespace, created (in the caller's transaction) on first use."""
    setting = session.get(Setting, NAMESPACE_SETTING)
    if setting is None:
        setting = Setting(key=NAMESPACE_SETTING, value=str(uuid.uuid4()))
        session.add(setting)
        session.flush()
    return uuid.UUID(setting.value)


def derived_guid(namespace: uuid.UUID, kind: str, key: object) -> str:
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


class GuidMap:
    """Remembered GUIDs, read and written inside one session (never handed to the UI)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        setting = session.get(Setting, GUIDS_SETTING)
        data = json.loads(setting.value) if setting is not None else {}
        self.by_guid: dict[str, dict[str, str]] = {kind: dict(data.get(kind, {})) for kind in KINDS}
        self.namespace = project_namespace(session)
        self._first: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        for kind, mapping in self.by_guid.items():
            for guid, key in mapping.items():
                self._first[kind].setdefault(key, guid)

    def key_for(self, kind: str, guid: str | None) -> str | None:
        return self.by_guid[kind].get(guid) if guid else None

    def remember(self, kind: str, guid: str | None, key: str) -> None:
        if not guid:
            return
        old = self.by_guid[kind].get(guid)
        self.by_guid[kind][guid] = key
        if old is not None and old != key and self._first[kind].get(old) == guid:
            del self._first[kind][old]
        self._first[kind].setdefault(key, guid)

    def guid_for(self, kind: str, key: object) -> str:
        """The GUID to export: a remembered one, else derived from the project namespace."""
        return self._first.get(kind, {}).get(str(key)) or derived_guid(self.namespace, kind, key)

    def save(self) -> None:
        payload = {kind: self.by_guid[kind] for kind in KINDS if self.by_guid[kind]}
        value = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        setting = self._session.get(Setting, GUIDS_SETTING)
        if setting is None:
            self._session.add(Setting(key=GUIDS_SETTING, value=value))
        elif setting.value != value:
            setting.value = value
