"""idea.pinned_at: a facilitator pins an idea to the top of its group

Revision ID: e3c8a2f51b7d
Revises: b7e2c4a91d05
Create Date: 2026-12-04 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3c8a2f51b7d"
down_revision = "b7e2c4a91d05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pinned_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_column("pinned_at")
