"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 18:55:21.716416

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('codebook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('loaded_from', sa.String(length=1024), nullable=True),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codebook')),
    sa.UniqueConstraint('name', name=op.f('uq_codebook_name'))
    )
    op.create_table('coder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder')),
    sa.UniqueConstraint('name', name=op.f('uq_coder_name'))
    )
    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pid', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('pid', name=op.f('uq_participant_pid'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('original_filename', sa.String(length=1024), nullable=False),
    sa.Column('original_format', sa.String(length=20), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('interview', 'focus-group', 'other')", name=op.f('ck_source_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_source_content_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_source_name'))
    )
    op.create_table('code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('codebook_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('when_to_use', sa.Text(), nullable=True),
    sa.Column('when_not_to_use', sa.Text(), nullable=True),
    sa.Column('example', sa.Text(), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("origin IN ('deductive', 'inductive')", name=op.f('ck_code_origin')),
    sa.ForeignKeyConstraint(['codebook_id'], ['codebook.id'], name=op.f('fk_code_codebook_id_codebook')),
    sa.ForeignKeyConstraint(['created_by_id'], ['coder.id'], name=op.f('fk_code_created_by_id_coder')),
    sa.ForeignKeyConstraint(['parent_id'], ['code.id'], name=op.f('fk_code_parent_id_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code')),
    sa.UniqueConstraint('key', name=op.f('uq_code_key'))
    )
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_parent_id'), ['parent_id'], unique=False)

    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("target_kind IN ('project', 'source', 'code', 'participant')", name=op.f('ck_memo_target_kind')),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_memo_coder_id_coder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo'))
    )
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.create_index('ix_memo_target', ['target_kind', 'target_id'], unique=False)

    op.create_table('participant_attribute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_participant_attribute_participant_id_participant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_attribute')),
    sa.UniqueConstraint('participant_id', 'key', name=op.f('uq_participant_attribute_participant_id'))
    )
    op.create_table('turn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('speaker_label', sa.String(length=100), nullable=True),
    sa.Column('speaker_role', sa.String(length=20), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('label_start', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('time_start_ms', sa.Integer(), nullable=True),
    sa.Column('time_end_ms', sa.Integer(), nullable=True),
    sa.CheckConstraint('start >= 0 AND "end" >= start', name=op.f('ck_turn_span')),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_turn_participant_id_participant')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_turn_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turn')),
    sa.UniqueConstraint('source_id', 'ordinal', name=op.f('uq_turn_source_id'))
    )
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turn_participant_id'), ['participant_id'], unique=False)

    op.create_table('coding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f('ck_coding_span')),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_coding_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_coding_coder_id_coder')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_coding_source_id_source'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding'))
    )
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index('ix_coding_source_coder', ['source_id', 'coder_id', 'start'], unique=False)

    op.create_table('segment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f('ck_segment_span')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_segment_source_id_source'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['turn_id'], ['turn.id'], name=op.f('fk_segment_turn_id_turn'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment')),
    sa.UniqueConstraint('source_id', 'ordinal', name=op.f('uq_segment_source_id'))
    )
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_turn_id'), ['turn_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('segment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_turn_id'))

    op.drop_table('segment')
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_index('ix_coding_source_coder')
        batch_op.drop_index(batch_op.f('ix_coding_coder_id'))
        batch_op.drop_index(batch_op.f('ix_coding_code_id'))

    op.drop_table('coding')
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turn_participant_id'))

    op.drop_table('turn')
    op.drop_table('participant_attribute')
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_index('ix_memo_target')

    op.drop_table('memo')
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_parent_id'))

    op.drop_table('code')
    op.drop_table('source')
    op.drop_table('setting')
    op.drop_table('participant')
    op.drop_table('coder')
    op.drop_table('codebook')
