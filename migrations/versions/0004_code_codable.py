"""code.codable: folders that only group codes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 01:45:00

Codes imported as REFI-QDA non-codable folders were remembered in the
``refi_qda.guids`` setting (its ``folders`` list); they move to the new
column, and the list leaves the setting.
"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

GUIDS_SETTING = "refi_qda.guids"


def upgrade() -> None:
    """Upgrade schema."""
    # A plain ADD COLUMN (no table rebuild): codings, themes and suggestions reference code.id.
    op.add_column('code', sa.Column('codable', sa.Boolean(), server_default=sa.true(), nullable=False))
    connection = op.get_bind()
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.Text))
    code = sa.table("code", sa.column("key", sa.String), sa.column("codable", sa.Boolean))
    value = connection.execute(sa.select(setting.c.value).where(setting.c.key == GUIDS_SETTING)).scalar()
    if value is None:
        return
    data = json.loads(value)
    folders = data.pop("folders", [])
    if folders:
        connection.execute(sa.update(code).where(code.c.key.in_(folders)).values(codable=False))
    connection.execute(sa.update(setting).where(setting.c.key == GUIDS_SETTING).values(value=json.dumps(data)))


def downgrade() -> None:
    """Downgrade schema."""
    connection = op.get_bind()
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.Text))
    code = sa.table("code", sa.column("key", sa.String), sa.column("codable", sa.Boolean))
    folders = list(connection.execute(sa.select(code.c.key).where(code.c.codable == sa.false())).scalars())
    value = connection.execute(sa.select(setting.c.value).where(setting.c.key == GUIDS_SETTING)).scalar()
    if folders or value is not None:
        data = json.loads(value) if value is not None else {}
        data["folders"] = folders
        if value is None:
            connection.execute(sa.insert(setting).values(key=GUIDS_SETTING, value=json.dumps(data)))
        else:
            connection.execute(sa.update(setting).where(setting.c.key == GUIDS_SETTING).values(value=json.dumps(data)))
    with op.batch_alter_table('code', schema=None) as batch_op:
        batch_op.drop_column('codable')
