"""participant.secret: tokens open only their own row

Revision ID: 8aa730f432fa
Revises: c0f58e32c20c
Create Date: 2026-11-26 16:44:16.355632

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8aa730f432fa"
down_revision = "c0f58e32c20c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret", sa.String(length=32), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("secret")
