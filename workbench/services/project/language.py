"""The project's language (``workbench init --language da``) and each source's.

The project's language is the default for every import; a source keeps the
language it was imported in (``import --language sv``), so a study that mixes
languages segments, searches and suggests each transcript in its own.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.languages import DEFAULT_LANGUAGE, LANGUAGE_SETTING, check_language, language
from workbench.store.engine import Project
from workbench.store.models import Setting, Source


def project_language(session: Session) -> str:
    setting = session.get(Setting, LANGUAGE_SETTING)
    return language(setting.value).code if setting is not None else DEFAULT_LANGUAGE


def set_project_language(session: Session, code: str) -> str:
    """Set the project's language (checked); returns it."""
    code = check_language(code, "--language")
    setting = session.get(Setting, LANGUAGE_SETTING)
    if setting is None:
        session.add(Setting(key=LANGUAGE_SETTING, value=code))
    else:
        setting.value = code
    return code


def import_language(project: Project, requested: str | None) -> str:
    """The language an import runs in: the one asked for (checked), else the project's."""
    if requested is not None:
        return check_language(requested, "--language")
    with project.session() as session:
        return project_language(session)


def source_languages(session: Session, source_ids: list[int] | None = None) -> dict[int, str]:
    query = select(Source.id, Source.language)
    if source_ids is not None:
        query = query.where(Source.id.in_(source_ids))
    return {source_id: language(code).code for source_id, code in session.execute(query)}
