"""organiser.session_epoch: logging out ends the session on the server

Revision ID: b7e2c4a91d05
Revises: 3edfee13785b
Create Date: 2026-12-04 20:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2c4a91d05"
down_revision = "3edfee13785b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("organiser", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
