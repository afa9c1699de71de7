"""A stored text never begins with U+FEFF: strip it and move every offset of the source

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 07:10:00

A transcript saved with a doubled byte-order mark kept the second one as the
first character of its stored text. Every tool that reads our REFI-QDA export
(and our own import) takes a leading U+FEFF in a file for a BOM and drops it,
so every coding of such a source came back one character early. From now on
imports strip leading U+FEFF; this migration does the same to existing
projects: the characters leave the text and every offset into it (turns,
segments, codings, suggestions, adjudications and their consensus spans,
trimmed exemplar quotes) moves back by as many. A coding or suggestion that
covered nothing but those characters is removed (it coded nothing visible).
The audit trail keeps its history as it was.
"""
import hashlib
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BOM = "\ufeff"


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


def _moved(column: sa.ColumnClause, by: int) -> sa.Case:
    return sa.case((column >= by, column - by), else_=0)


def upgrade() -> None:
    """Upgrade schema."""
    connection = op.get_bind()
    source = _table("source", "id", "text", "content_hash")
    starting = connection.execute(
        sa.select(source.c.id, source.c.text).where(sa.func.substr(source.c.text, 1, 1) == BOM)
    ).all()
    for source_id, text in starting:
        stripped = text.lstrip(BOM)
        by = len(text) - len(stripped)
        digest = hashlib.sha256(stripped.encode("utf-8")).hexdigest()
        taken = connection.scalar(sa.select(sa.func.count()).select_from(source).where(source.c.content_hash == digest))
        values = {"text": stripped} if taken else {"text": stripped, "content_hash": digest}
        connection.execute(sa.update(source).where(source.c.id == source_id).values(**values))
        turn = _table("turn", "source_id", "label_start", "start", "end")
        connection.execute(sa.update(turn).where(turn.c.source_id == source_id).values(
            label_start=_moved(turn.c.label_start, by), start=_moved(turn.c.start, by), end=_moved(turn.c.end, by)))
        coding = _table("coding", "id", "source_id", "start", "end")
        exemplar = _table("exemplar", "coding_id", "start", "end")
        emptied = sa.select(coding.c.id).where(coding.c.source_id == source_id, coding.c.end <= by).scalar_subquery()
        connection.execute(sa.delete(exemplar).where(exemplar.c.coding_id.in_(emptied)))  # foreign keys are off here
        for name in ("segment", "coding", "suggestion"):
            spans = _table(name, "source_id", "start", "end")
            mine = spans.c.source_id == source_id
            # a span inside the stripped characters would become empty: it covered nothing visible
            connection.execute(sa.delete(spans).where(mine, spans.c.end <= by))
            connection.execute(sa.update(spans).where(mine).values(start=_moved(spans.c.start, by), end=_moved(spans.c.end, by)))
        ours = sa.select(coding.c.id).where(coding.c.source_id == source_id).scalar_subquery()
        connection.execute(sa.update(exemplar).where(exemplar.c.coding_id.in_(ours), exemplar.c.start.is_not(None))
                           .values(start=_moved(exemplar.c.start, by), end=_moved(exemplar.c.end, by)))
        adjudication = sa.table("adjudication", sa.column("id"), sa.column("source_id"), sa.column("start"),
                                sa.column("end"), sa.column("result", sa.JSON))
        for row_id, start, end, result in connection.execute(
            sa.select(adjudication.c.id, adjudication.c.start, adjudication.c.end, adjudication.c.result)
            .where(adjudication.c.source_id == source_id)
        ).all():
            moved = [[max(0, s - by), max(0, e - by)] for s, e in (result or []) if e > by]
            connection.execute(sa.update(adjudication).where(adjudication.c.id == row_id).values(
                start=max(0, start - by), end=max(0, end - by), result=moved))


def downgrade() -> None:
    """Downgrade schema: nothing to undo (a leading U+FEFF carried no text)."""
