"""workshop.version: organisers' edits refuse a stale form (issue 15)

Revision ID: d4a8f0c3e217
Revises: e3c8a2f51b7d
Create Date: 2026-12-04 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4a8f0c3e217"
down_revision = "e3c8a2f51b7d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("version")
