"""Running the register in production: `compliance serve`, `compliance backup`, `compliance restore`."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app

from .cli import command, fail


def ops_commands() -> list[click.Command]:
    return [serve_command, backup_command, restore_command]


@command("serve", help="Serve the app under gunicorn (the production server; `compliance run` is for development).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (the reverse proxy's side).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: WEB_CONCURRENCY, else 2).")
def serve_command(host: str, port: int, workers: int | None) -> None:
    from . import create_app, server

    if current_app.config["APP_ENV"] == "testing":
        fail("APP_ENV=testing uses a public test key: it is not for serving. Use production (or development).")
    # A fresh app for gunicorn (built before the workers fork), not the CLI's own.
    server.serve(create_app(), host, port, workers)


@command("backup", help="Write the whole database and a manifest to OUT (a .tar.gz). Safe while serving.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path) -> None:
    from sqlalchemy.exc import OperationalError

    from .services import backup

    started = time.perf_counter()
    try:
        manifest = backup.take_backup(out)
    except backup.BackupError as error:
        fail(f"No backup written: {error}")
    except OperationalError as error:
        fail(f"No backup written: the database did not answer: {error.orig}")
    click.echo(
        f"Backed up {manifest.rows} rows in {len(manifest.tables)} tables ({manifest.backend}, schema "
        f"{manifest.schema_revision}) to {out}: {out.stat().st_size} bytes, dump SHA-256 {manifest.dump_sha256}, "
        f"{time.perf_counter() - started:.1f} s"
    )


@command("restore", help="Restore a backup made by `compliance backup` into an empty database.")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore_command(source: Path, force: bool) -> None:
    from sqlalchemy.exc import OperationalError

    from .services import backup

    started = time.perf_counter()
    try:
        manifest = backup.restore_backup(source, force=force)
    except backup.BackupError as error:
        fail(f"Not restored: {error}")
    except OperationalError as error:
        fail(f"Not restored: the database did not answer: {error.orig}")
    click.echo(
        f"Restored {manifest.rows} rows in {len(manifest.tables)} tables (schema {manifest.schema_revision}, "
        f"taken {manifest.created_at}) from {source}; they match the manifest. "
        f"{time.perf_counter() - started:.1f} s"
    )
