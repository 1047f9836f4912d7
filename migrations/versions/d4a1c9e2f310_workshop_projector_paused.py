"""workshop.projector_paused: the lead holds the projector's rotation on one page

Revision ID: d4a1c9e2f310
Revises: d4a8f0c3e217
Create Date: 2026-12-04 22:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4a1c9e2f310"
down_revision = "d4a8f0c3e217"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.add_column(sa.Column("projector_paused", sa.Boolean(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        batch_op.drop_column("projector_paused")
