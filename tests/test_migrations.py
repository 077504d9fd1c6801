"""The schema is built by migrations only, and the models never drift from them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.extensions import db


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_match_migrations(app):
    assert _diff() == []


def test_migrations_have_one_head(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1


def test_downgrade_to_base_and_back(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _diff() == []


def test_app_never_creates_tables_itself():
    import pathlib

    source = "\n".join(p.read_text() for p in pathlib.Path("portal").rglob("*.py"))
    assert "create_all(" not in source
