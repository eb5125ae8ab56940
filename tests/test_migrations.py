"""The migrations build exactly the schema the models describe, and can be undone."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

import observe.models  # noqa: F401  every model registered on the metadata
from observe.extensions import db
from tests.conftest import build_app


def schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def table_names(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_migrated_schema_matches_the_models(app):
    assert schema_differences(db.engine) == []
    assert {table.name for table in db.metadata.sorted_tables} <= table_names(db.engine)


def test_one_head_revision(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.fixture
def throwaway_app(app, tmp_path):
    """An app on an empty database of the test's kind: a new SQLite file, or a new PostgreSQL
    schema (cheaper than a database) in the test database."""
    if db.engine.dialect.name == "sqlite":
        fresh = build_app(f"sqlite:///{tmp_path / 'throwaway.sqlite3'}")
        schema = None
    else:
        schema = f"migrations_{uuid.uuid4().hex[:12]}"
        with db.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        fresh = build_app(app.config["SQLALCHEMY_DATABASE_URI"], SQLALCHEMY_ENGINE_OPTIONS={
            "connect_args": {"options": f"-csearch_path={schema}"}})
    try:
        yield fresh
    finally:
        with fresh.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def test_downgrade_to_base_and_upgrade_again(throwaway_app):
    with throwaway_app.app_context():
        assert table_names(db.engine) == set()
        upgrade()
        assert schema_differences(db.engine) == []
        downgrade(revision="base")
        assert table_names(db.engine) <= {"alembic_version"}
        upgrade()
        assert schema_differences(db.engine) == []
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version is not None
