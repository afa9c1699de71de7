"""themes adjudications audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:08:29.032491

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('theme_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_category')),
    sa.UniqueConstraint('name', name=op.f('uq_theme_category_name'))
    )
    op.create_table('theme_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_type')),
    sa.UniqueConstraint('name', name=op.f('uq_theme_type_name'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_kind', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_audit_entry_coder_id_coder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity_kind', 'entity_id'], unique=False)

    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('dimensions', sa.JSON(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['theme_category.id'], name=op.f('fk_theme_category_id_theme_category'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['type_id'], ['theme_type.id'], name=op.f('fk_theme_type_id_theme_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('label', name=op.f('uq_theme_label'))
    )
    op.create_table('adjudication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('first_coder_id', sa.Integer(), nullable=False),
    sa.Column('second_coder_id', sa.Integer(), nullable=False),
    sa.Column('consensus_coder_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('first', 'second', 'union', 'intersection', 'neither', 'edited')", name=op.f('ck_adjudication_decision')),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_adjudication_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consensus_coder_id'], ['coder.id'], name=op.f('fk_adjudication_consensus_coder_id_coder')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['coder.id'], name=op.f('fk_adjudication_decided_by_id_coder')),
    sa.ForeignKeyConstraint(['first_coder_id'], ['coder.id'], name=op.f('fk_adjudication_first_coder_id_coder')),
    sa.ForeignKeyConstraint(['second_coder_id'], ['coder.id'], name=op.f('fk_adjudication_second_coder_id_coder')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_adjudication_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjudication'))
    )
    with op.batch_alter_table('adjudication', schema=None) as batch_op:
        batch_op.create_index('ix_adjudication_review', ['first_coder_id', 'second_coder_id', 'consensus_coder_id'], unique=False)

    op.create_table('theme_code',
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_theme_code_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_theme_code_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('theme_id', 'code_id', name=op.f('pk_theme_code'))
    )
    op.create_table('exemplar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_exemplar_coding_id_coding'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_exemplar_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplar')),
    sa.UniqueConstraint('theme_id', 'coding_id', name=op.f('uq_exemplar_theme_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('exemplar')
    op.drop_table('theme_code')
    with op.batch_alter_table('adjudication', schema=None) as batch_op:
        batch_op.drop_index('ix_adjudication_review')

    op.drop_table('adjudication')
    op.drop_table('theme')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_entry')
    op.drop_table('theme_type')
    op.drop_table('theme_category')
