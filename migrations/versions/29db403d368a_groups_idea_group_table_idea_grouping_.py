"""groups: idea_group table, idea grouping columns

Revision ID: 29db403d368a
Revises: 9752268eb711
Create Date: 2026-11-26 15:27:51.534050

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "29db403d368a"
down_revision = "9752268eb711"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idea_group",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("label_source", sa.String(length=12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["round_table.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idea_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_group_table_id"), ["table_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_idea_group_workshop_id"), ["workshop_id"], unique=False)

    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("placement", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("confidence", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("suggestions", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_idea_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key("fk_idea_group_id_idea_group", "idea_group", ["group_id"], ["id"])


def downgrade():
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_constraint("fk_idea_group_id_idea_group", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_idea_group_id"))
        batch_op.drop_column("suggestions")
        batch_op.drop_column("confidence")
        batch_op.drop_column("placement")
        batch_op.drop_column("group_id")

    with op.batch_alter_table("idea_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_group_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_idea_group_table_id"))

    op.drop_table("idea_group")
