"""coding indexes that cover the big reads (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

On a project of a million codings, Retrieve counts a code's codings per source
(and, filtering by participant, reads where each coding starts), and the Sources
screen counts each coder's codings per source. With single-column indexes on
``code_id`` and ``coder_id`` these read every matching table row and sort the
result; the same indexes widened to ``(code_id, source_id, coder_id, start, end)``
and ``(coder_id, source_id)`` answer them from the index alone, already in order.
They replace the narrow ones (any lookup by ``code_id`` or ``coder_id`` alone,
such as the foreign keys' cascades, uses their first column), so a coding action
writes no more index entries than before.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index('ix_coding_code_source', 'coding', ['code_id', 'source_id', 'coder_id', 'start', 'end'], unique=False)
    op.create_index('ix_coding_coder_source', 'coding', ['coder_id', 'source_id'], unique=False)
    op.drop_index('ix_coding_code_id', table_name='coding')
    op.drop_index('ix_coding_coder_id', table_name='coding')


def downgrade() -> None:
    """Downgrade schema."""
    op.create_index('ix_coding_coder_id', 'coding', ['coder_id'], unique=False)
    op.create_index('ix_coding_code_id', 'coding', ['code_id'], unique=False)
    op.drop_index('ix_coding_coder_source', table_name='coding')
    op.drop_index('ix_coding_code_source', table_name='coding')
