"""an index for retrieving codes over a big project (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

On a project of a million codings, Retrieve counts a code's codings per source and,
filtering by participant, reads where each of them starts. Through the index on
``code_id`` alone each matching coding's table row is read, and the counts sorted;
``(code_id, source_id, coder_id, start, end)`` answers both from the index, already
grouped. The narrow index stays: reading whole codings of a code through it visits
the table in row order, which is faster than through the wide one.
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


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_coding_code_source', table_name='coding')
