"""source.language: each transcript's language (issue 15)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:00:00

Sources imported before languages existed were segmented and searched as
English, so they are English. The project's own language lives in the
``language`` setting (absent: English); no schema change is needed for it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # A plain ADD COLUMN (no table rebuild): turns, segments and codings reference source.id.
    op.add_column('source', sa.Column('language', sa.String(length=12), server_default='en', nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('language')
