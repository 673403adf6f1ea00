"""`siyu db …`: schema migrations."""

from __future__ import annotations

import typer

from siyu.cli.app import app, engine, out

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the newest schema (also done automatically on first use)."""
    from siyu.store.migrate import current_revision

    eng = engine()  # creating the engine migrates
    out.print(f"schema at revision {current_revision(eng)}")
