"""Alembic environment of the haute_garonne plugin: our own version table,
and only our own tables considered by autogenerate."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)

NAME = os.path.basename(os.path.dirname(__file__))
VERSION_TABLE = f"{NAME}_alembic_version"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return type_ != "table" or name.startswith(NAME)


def _run(**options: Any) -> None:
    """Run the migrations with our version table and tables only."""
    context.configure(
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=include_object,
        **options,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    _run(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)


def run_migrations_online() -> None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        _run(connection=connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
