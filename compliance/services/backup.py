"""Backup and restore of the whole database, with a manifest that proves the copy is whole.

A backup is one gzip-compressed tar file (OUT, conventionally *.tar.gz; written to OUT.partial
and renamed, so a failed backup never leaves a file that looks whole) holding:

- manifest.json: the format and its version, when it was taken, the backend, the schema
  revision (Alembic), the number of rows in every table, and the dump's name, size and SHA-256;
- the dump: database.sqlite3 (SQLite, taken with SQLite's online backup API, safe while the app
  is serving) or database.pgdump (PostgreSQL, `pg_dump --format=custom`).

The manifest's counts come from the same snapshot as the dump (the SQLite copy itself; on
PostgreSQL a repeatable-read transaction whose snapshot pg_dump is given), so a backup taken
while people are saving restores to one consistent moment: an import is in it whole or not at all.

Restore goes into the same kind of database the backup came from, and into an empty one (no
rows in any table but alembic_version) unless forced; it checks the SHA-256 before and the
counts and revision after.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..files import sha256
from . import planner_statistics

FORMAT = "prevent-compliance-register-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP_NAME = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """Why a backup or restore could not be done; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    backend: str
    schema_revision: str | None
    tables: dict[str, int]
    dump_file: str
    dump_sha256: str
    dump_bytes: int
    created_at: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "created_at": self.created_at,
                "backend": self.backend,
                "schema_revision": self.schema_revision,
                "tables": self.tables,
                "dump": {"file": self.dump_file, "sha256": self.dump_sha256, "bytes": self.dump_bytes},
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: bytes) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise BackupError(f"{MANIFEST} is not a version {VERSION} {FORMAT} manifest")
            return cls(
                backend=data["backend"],
                schema_revision=data["schema_revision"],
                tables={str(k): int(v) for k, v in data["tables"].items()},
                dump_file=data["dump"]["file"],
                dump_sha256=data["dump"]["sha256"],
                dump_bytes=int(data["dump"]["bytes"]),
                created_at=data["created_at"],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{MANIFEST} is not readable: {error!r}") from None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def backend() -> str:
    name = db.engine.dialect.name
    if name not in DUMP_NAME:
        raise BackupError(f"Backups are made of SQLite or PostgreSQL databases, not {name}")
    return name


# -- reading the database -----------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_names(connection) -> list[str]:
    return sorted(name for name in sa.inspect(connection).get_table_names())


def _counts(connection) -> dict[str, int]:
    names = _table_names(connection)
    return {name: connection.execute(sa.text(f"SELECT count(*) FROM {_quote(name)}")).scalar_one() for name in names}


def _revision(connection, tables) -> str | None:
    if "alembic_version" not in tables:
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            tables = _counts(connection)
            return tables, _revision(connection, tables)
    finally:
        engine.dispose()


def _sqlite_path() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise BackupError("DATABASE_URL is an in-memory SQLite database: there is no file to back up or restore into")
    return Path(name)


# -- PostgreSQL client programs -----------------------------------------------------------------


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def pg_program(name: str, at_least: int) -> str:
    """pg_dump or pg_restore at major version `at_least` or later: from PATH or Debian's
    /usr/lib/postgresql/N/bin (the newest there). pg_dump must be at least the server's version."""
    candidates = [found] if (found := shutil.which(name)) else []
    candidates += sorted(
        (str(p) for p in Path("/").glob(PG_BIN_DIRS.lstrip("/") + "/" + name)),
        key=lambda p: _major(p.split("/postgresql/")[1]),
        reverse=True,
    )
    seen = []
    for program in candidates:
        run = subprocess.run([program, "--version"], capture_output=True, text=True)
        found_version = re.search(r"\(PostgreSQL\)\s+(\d+)", run.stdout)
        version = int(found_version.group(1)) if found_version else 0
        seen.append(f"{program} ({version})")
        if version >= at_least:
            return program
    if not seen:
        raise BackupError(
            f"{name} is not installed (not on PATH nor in {PG_BIN_DIRS}): install the PostgreSQL "
            f"client, version {at_least} or later (Debian: postgresql-client-{at_least})"
        )
    raise BackupError(f"{name} must be version {at_least} or later, as the server is; found {', '.join(seen)}")


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without the password, and the environment that carries it (so the
    password never shows in a process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _server_major(connection) -> int:
    return int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000


# -- backup -------------------------------------------------------------------------------------


def _copy_sqlite(source_path: Path, target_path: Path, read_only: bool) -> None:
    """SQLite's online backup API: every page in one step, so the copy is one consistent moment
    even while the app writes; the target is replaced whole, in one transaction."""
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}")
    try:
        source = sqlite3.connect(f"{source_path.as_uri()}?mode=ro" if read_only else source_path, uri=read_only)
        copy = sqlite3.connect(target_path)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupError(f"Copying the SQLite database {source_path} to {target_path} failed: {error}") from None


def _dump_sqlite(target: Path) -> tuple[dict[str, int], str | None]:
    _copy_sqlite(_sqlite_path(), target, read_only=True)
    return _sqlite_counts(target)


def _dump_postgresql(target: Path) -> tuple[dict[str, int], str | None]:
    url, env = _libpq(db.engine.url)
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            tables = _counts(connection)
            revision = _revision(connection, tables)
            program = pg_program("pg_dump", _server_major(connection))
            _run(
                [program, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                 f"--file={target}", f"--dbname={url}"],
                env,
                "pg_dump",
            )  # fmt: skip
    return tables, revision


def take_backup(out: Path) -> Manifest:
    """Write the whole database and its manifest to `out` (a tar file)."""
    kind = backend()
    out = out.resolve()
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent) as work:
        dump = Path(work) / DUMP_NAME[kind]
        tables, revision = (_dump_sqlite if kind == "sqlite" else _dump_postgresql)(dump)
        manifest = Manifest(
            backend=kind,
            schema_revision=revision,
            tables=tables,
            dump_file=dump.name,
            dump_sha256=sha256(dump),
            dump_bytes=dump.stat().st_size,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        partial = out.with_name(out.name + ".partial")
        # gzip level 1: a 124 MB SQLite file of 200 areas becomes 17 MB in under a second; the
        # PostgreSQL dump is compressed already.
        with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
            data = manifest.to_json().encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
        os.chmod(partial, 0o600)  # the register's contents: readable by its owner only
        os.replace(partial, out)
    return manifest


# -- restore ------------------------------------------------------------------------------------


def _read_archive(source: Path, work: Path) -> tuple[Manifest, Path]:
    try:
        with tarfile.open(source, "r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = Manifest.from_json(member.read())
            if manifest.dump_file not in DUMP_NAME.values():
                raise BackupError(f"{MANIFEST} names an unexpected dump file {manifest.dump_file!r}")
            packed = archive.extractfile(manifest.dump_file)
            if packed is None:
                raise KeyError(manifest.dump_file)
            with packed, (work / manifest.dump_file).open("wb") as unpacked:
                shutil.copyfileobj(packed, unpacked, 1 << 20)
    except (OSError, tarfile.TarError, KeyError) as error:
        raise BackupError(f"{source} is not a backup made by `compliance backup`: {error}") from None
    dump = work / manifest.dump_file
    if sha256(dump) != manifest.dump_sha256:
        raise BackupError(f"{source}: {manifest.dump_file} does not match the SHA-256 in its manifest (damaged?)")
    return manifest, dump


def rows_present() -> dict[str, int]:
    """Tables (other than alembic_version) that hold rows in the configured database."""
    with db.engine.connect() as connection:
        counts = _counts(connection)
    return {name: n for name, n in counts.items() if n and name != "alembic_version"}


def _restore_sqlite(dump: Path) -> None:
    target = _sqlite_path()
    db.engine.dispose()
    _copy_sqlite(dump, target, read_only=False)


def _restore_postgresql(dump: Path) -> None:
    url, env = _libpq(db.engine.url)
    with db.engine.connect() as connection:
        program = pg_program("pg_restore", _server_major(connection))
    db.engine.dispose()
    _run(
        [program, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={url}", str(dump)],
        env,
        "pg_restore",
    )  # fmt: skip


def restore_backup(source: Path, force: bool = False) -> Manifest:
    kind = backend()
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        manifest, dump = _read_archive(source, Path(work))
        if manifest.backend != kind:
            raise BackupError(
                f"{source} is a {manifest.backend} backup and DATABASE_URL is {kind}: restore it into "
                f"{manifest.backend}, then move the register with `compliance export` and `compliance import`"
            )
        present = rows_present()
        if present and not force:
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(present.items())[:5])
            raise BackupError(
                f"The database is not empty: {len(present)} table(s) hold rows, e.g. {listed}. "
                "Restore into an empty database, or pass --force to replace what is there."
            )
        (_restore_sqlite if kind == "sqlite" else _restore_postgresql)(dump)
    # pg_restore writes every row but no planner statistics: without them the first queries are
    # planned as if the tables were empty.
    planner_statistics.refresh()
    with db.engine.connect() as connection:
        tables = _counts(connection)
        revision = _revision(connection, tables)
    wrong = [
        f"{name}: {tables.get(name)} row(s), the manifest says {n}"
        for name, n in manifest.tables.items()
        if tables.get(name) != n
    ]
    if revision != manifest.schema_revision:
        wrong.append(f"schema revision {revision}, the manifest says {manifest.schema_revision}")
    if wrong:
        raise BackupError("The restored database does not match the backup's manifest: " + "; ".join(wrong))
    return manifest
