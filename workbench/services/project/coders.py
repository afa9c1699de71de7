"""Coders: the people (and the consensus layer) who code."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import NotFoundError, WorkbenchError
from workbench.store.engine import Project
from workbench.store.models import Coder, Coding, Setting

CODER_ENV = "WORKBENCH_CODER"
OWNER_SETTING = "project.creating_coder"


def default_coder_name() -> str:
    """``$WORKBENCH_CODER``, else the login name."""
    name = os.environ.get(CODER_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coder"


def check_coder_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ch in name for ch in "\n\r\t,"):
        raise WorkbenchError(f"coder name {name!r} is not usable; use a short name without commas")
    return name


def get_or_create_coder(session: Session, name: str) -> Coder:
    name = check_coder_name(name)
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


def require_coder(session: Session, name: str) -> Coder:
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        known = ", ".join(session.scalars(select(Coder.name).order_by(Coder.name))) or "none yet"
        raise NotFoundError(f"no coder {name!r} in this project (coders: {known})")
    return coder


def project_owner(session: Session) -> Coder | None:
    """The project's creating coder: the creating user a REFI-QDA import brought into the empty project,
    else the first coder the project registered (whoever imported or coded first). None without coders.

    Exports name this coder as the creator of what has no author of its own (sources, the project)."""
    setting = session.get(Setting, OWNER_SETTING)
    if setting is not None:
        coder = session.scalar(select(Coder).where(Coder.name == setting.value))
        if coder is not None:
            return coder
    return session.scalars(select(Coder).order_by(Coder.created_at, Coder.id).limit(1)).first()


def remember_owner(session: Session, name: str) -> None:
    """Record ``name`` as the project's creating coder, unless one is recorded already."""
    if session.get(Setting, OWNER_SETTING) is None:
        session.add(Setting(key=OWNER_SETTING, value=name))


@dataclass(frozen=True)
class CoderCodings:
    """A coder and how many codings they have."""

    name: str
    codings: int


def coders_by_codings(project: Project, *, consensus: bool = False) -> list[CoderCodings]:
    """Every coder with codings, most codings first, then by name: without the consensus layer (whom a
    review can compare) unless ``consensus`` (the layers an export can count)."""
    query = select(Coder.name, func.count(Coding.id)).join(Coding, Coding.coder_id == Coder.id)
    if not consensus:
        query = query.where(Coder.name != CONSENSUS_CODER)
    with project.session() as session:
        rows = session.execute(query.group_by(Coder.name).order_by(func.count(Coding.id).desc(), Coder.name)).all()
    return [CoderCodings(name, count) for name, count in rows]
