"""References a damaged project file may have lost.

SQLite enforces foreign keys only when every connection asks it to; a file edited by
another tool (or with ``PRAGMA foreign_keys=OFF``) can hold a coding whose code,
source or coder row is gone. Commands that read every coding (REFI-QDA export,
agreement, review, CSV exports) check first, so the user gets one line naming the
coding instead of a ``KeyError`` or a silently shorter export.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from workbench.errors import ProjectError
from workbench.store.models import Code, Coder, Coding, Source


def require_intact_codings(session: Session) -> None:
    """Raise a :class:`ProjectError` naming the first coding whose code, source or coder is missing."""
    code, source, coder = aliased(Code), aliased(Source), aliased(Coder)
    broken = (
        select(Coding.id, Coding.code_id, Coding.source_id, Coding.coder_id, Coding.start, Coding.end,
               code.id, source.name, coder.name)
        .outerjoin(code, code.id == Coding.code_id)
        .outerjoin(source, source.id == Coding.source_id)
        .outerjoin(coder, coder.id == Coding.coder_id)
        .where(or_(code.id.is_(None), source.id.is_(None), coder.id.is_(None)))
    )  # fmt: skip
    first = session.execute(broken.order_by(Coding.id).limit(1)).first()
    if first is None:
        return
    count = session.scalar(select(func.count()).select_from(broken.subquery())) or 0
    coding_id, code_id, source_id, coder_id, start, end, found_code, source_name, coder_name = first
    if found_code is None:
        missing = f"code #{code_id}, which is not in the codebook"
    elif source_name is None:
        missing = f"source #{source_id}, which is not in the project"
    else:
        missing = f"coder #{coder_id}, who is not in the project"
    where = f"{coder_name or f'coder #{coder_id}'}, {source_name or f'source #{source_id}'} {start}–{end}"
    others = f" ({count - 1} more coding(s) like it)" if count > 1 else ""
    raise ProjectError(
        f"the project is damaged: coding #{coding_id} ({where}) points at {missing}{others}; "
        "nothing was written — open a backup of the project, or delete such codings with a SQLite tool"
    )
