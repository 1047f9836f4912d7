"""duplicates: idea.duplicate_of and idea.merged_into

Revision ID: c0f58e32c20c
Revises: 29db403d368a
Create Date: 2026-11-26 15:47:57.143011

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0f58e32c20c"
down_revision = "29db403d368a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate_of", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_idea_merged_into"), ["merged_into"], unique=False)


def downgrade():
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_merged_into"))
        batch_op.drop_column("merged_into")
        batch_op.drop_column("duplicate_of")
