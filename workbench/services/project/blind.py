"""Blind coding: a coder who sees only their own codings, remembered per coder until lifted.

``workbench open --blind`` turns it on for the acting coder and it stays on
for every later session of that coder (TUI and CLI) until ``workbench open
--no-blind`` lifts it. Both changes are recorded in the audit trail (entity
``coder``). While blind, a coder gets no agreement figures, no Review and no
audit trail (they would show the other coder's work): :func:`refuse_when_blind`
raises :class:`BlindError` with a one-line explanation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.services.project.coders import check_coder_name, get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import AuditEntry, Setting

PREFIX = "blind:"


class BlindError(WorkbenchError):
    """Something that would show another coder's work was asked for in blind mode."""


def is_blind(session: Session, coder: str) -> bool:
    setting = session.get(Setting, PREFIX + coder)
    return setting is not None and setting.value == "1"


def remembered_blind(project: Project, coder: str) -> bool:
    with project.session() as session:
        return is_blind(session, coder)


def set_blind(project: Project, coder: str, blind: bool) -> bool:
    """Turn blind mode on or off for ``coder``; True when it changed (the change is audited)."""
    coder = check_coder_name(coder)
    with project.session(actor=coder) as session:
        before = is_blind(session, coder)
        if before == blind:
            return False
        who = get_or_create_coder(session, coder)
        setting = session.get(Setting, PREFIX + coder)
        if setting is None:
            session.add(Setting(key=PREFIX + coder, value="1" if blind else "0"))
        else:
            setting.value = "1" if blind else "0"
        session.add(AuditEntry(
            coder_id=who.id, action="blind" if blind else "unblind", entity_kind="coder", entity_id=who.id,
            before={"blind": before}, after={"blind": blind},
            note="blind coding: only their own codings shown" if blind else "blind coding lifted",
        ))  # fmt: skip
        return True


def blind_message(coder: str, what: str) -> str:
    return (f"{coder} is coding blind: {what} would show the other coders' work; "
            f"lift blind mode first with 'workbench --coder {coder} open --no-blind'")  # fmt: skip


def refuse_when_blind(project: Project, coder: str, what: str) -> None:
    """Raise :class:`BlindError` when ``coder`` codes blind."""
    if remembered_blind(project, coder):
        raise BlindError(blind_message(coder, what))
