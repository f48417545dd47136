"""Create the validation report table

Revision ID: 3f2a9c1d7b01
Revises:
Create Date: 2026-11-27 11:40:00

"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "3f2a9c1d7b01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "haute_garonne_validation",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("file_hash", sa.UnicodeText, nullable=False),
        sa.Column("standard", sa.UnicodeText, nullable=False),
        sa.Column("version", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("report", JSONB),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.UniqueConstraint(
            "resource_id", "file_hash", name="haute_garonne_validation_resource_hash"
        ),
    )
    op.create_index(
        "haute_garonne_validation_resource_created",
        "haute_garonne_validation",
        ["resource_id", "created"],
    )
    op.create_index(
        "ix_haute_garonne_validation_package_id",
        "haute_garonne_validation",
        ["package_id"],
    )


def downgrade() -> None:
    op.drop_table("haute_garonne_validation")
