"""Importing the exchange workbook (or CSV files, one per sheet): read it into an exchange
document, then the same checks, audit trail and findings refresh as a JSON import
(services/exchange.py, through write_scope for the browser). Problems are reported by sheet, cell
and column, with their exchange-format path.

openpyxl is loaded only when a workbook is read (workbook_in imports it lazily).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..exchange import workbook_in
from ..exchange import workbook_layout as layout
from ..exchange.validate import InvalidDocument, Problems
from ..extensions import db
from ..files import sha256
from ..models import Finding, Rule
from ..models.enums import FindingStatus, SubjectType
from . import exchange, finding_store, refresh_marker, write_scope
from .access import Scope

UnreadableFile = workbook_in.UnreadableFile


def read(paths: list[Path], progress: Callable[[str], None] = lambda _: None) -> tuple[dict[str, Any], Any]:
    """The document a workbook (one .xlsx) or CSV files hold, and where each part came from.
    Raises UnreadableFile, or InvalidDocument with every problem of a cell, column or sheet."""
    if len(paths) == 1 and paths[0].suffix.casefold() == ".xlsx":
        doc, located, problems = workbook_in.read_xlsx(paths[0], progress)
    else:
        doc, located, problems = workbook_in.read_csv(paths, progress)
    if problems:
        raise InvalidDocument(sorted(problems, key=layout.problem_order))
    return doc, located


def _by_cell(located, run: Callable[[], Any]) -> Any:
    """Run an import step; its problems (JSON paths) are reported by sheet and cell."""
    try:
        return run()
    except InvalidDocument as error:
        mapped = Problems(sorted((located.problem(p) for p in error.problems), key=layout.problem_order))
        mapped.beyond, mapped.beyond_exact = error.beyond, error.beyond_exact
        raise InvalidDocument(mapped) from None


def import_files(paths: list[Path], *, actor: str, dry_run: bool = False, progress=lambda _: None):
    """The command line's import of a workbook or CSV files (all or nothing)."""
    doc, located = read(paths, progress)
    count = sum(len(doc.get(key, ())) for key in layout.BY_KEY if layout.BY_KEY[key].parent is None)
    progress(f"Checking and importing {count:,} records")
    return _by_cell(located, lambda: exchange.import_text(doc, actor=actor, source="import", dry_run=dry_run))


@dataclass
class Preview:
    """What importing a workbook would do: the import's counts, and the findings it would raise
    and close (as (severity, rule, subject type, subject ref, subject name)).

    `state` is the register's state it was worked out against (refresh_marker.state); `rechecked`
    says a preview kept earlier was out of date and this one was worked out again."""

    result: exchange.ImportResult
    sha256: str
    raised: list[tuple] = field(default_factory=list)
    closed: list[tuple] = field(default_factory=list)
    state: str = ""
    rechecked: bool = False


def _open_findings(subjects: frozenset[tuple[SubjectType, str]] | None) -> set[tuple]:
    """The open findings about `subjects` (every subject: None), as the preview lists them."""
    columns = (
        Finding.severity,
        Finding.rule_code,
        Finding.subject_type,
        Finding.subject_ref,
        Finding.subject_name,
    )
    statement = sa.select(*columns).where(Finding.status == FindingStatus.OPEN)
    if subjects is None:
        rows = db.session.execute(statement).all()
    else:
        rows = finding_store.rows_about(statement, subjects)
    return {(s.value, rule, t.value, ref, name or ref) for s, rule, t, ref, name in rows}


def preview(scope: Scope, path: Path, *, actor: str) -> Preview:
    """Check a workbook and work out what importing it would change, writing nothing.

    The import runs in a transaction that is rolled back. Its refresh says which subjects it
    decided (those the changed records can affect, or every subject): their open findings are read
    before the rollback, and again after it (the register as it was); nothing else can differ."""
    digest = sha256(path)
    state = current_state()
    doc, located = read([path])
    seen: dict[str, Any] = {}

    def inspect(result: exchange.ImportResult) -> None:
        seen["subjects"] = result.refreshed.subjects if result.refreshed is not None else None
        seen["after"] = _open_findings(seen["subjects"])

    result = _by_cell(
        located, lambda: write_scope.import_document(scope, doc, actor=actor, dry_run=True, inspect=inspect)
    )
    before = _open_findings(seen.get("subjects"))
    order = {"high": 0, "medium": 1, "low": 2}
    key = lambda item: (order.get(item[0], 3), item[1], item[3])  # noqa: E731
    after = seen.get("after", before)
    return Preview(result, digest, sorted(after - before, key=key), sorted(before - after, key=key), state)


def confirm(scope: Scope, path: Path, expected_sha256: str, *, actor: str):
    """Import the workbook previewed, if it is still the same file (its SHA-256)."""
    if sha256(path) != expected_sha256:
        raise UnreadableFile("the file changed since it was checked: upload it again")
    doc, located = read([path])
    return _by_cell(located, lambda: write_scope.import_document(scope, doc, actor=actor))


# --- a workbook uploaded in the browser, kept between its preview and its confirmation -------------

UPLOADS = "imports"
KEEP_SECONDS = 24 * 3600


def _upload_path(folder: Path, digest: str, actor: str) -> Path:
    owner = hashlib.sha256(actor.encode()).hexdigest()[:16]
    return folder / UPLOADS / f"{digest}-{owner}.xlsx"


def stash(stream, folder: Path, actor: str) -> Path:
    """Keep an uploaded workbook under the instance folder, named by its SHA-256 and its uploader,
    until it is confirmed. Uploads older than a day are removed, with their kept previews and any
    file an upload or a preview was being written to when its worker stopped (`.part`)."""
    uploads = folder / UPLOADS
    uploads.mkdir(parents=True, exist_ok=True)
    for old in [*uploads.glob("*.xlsx"), *uploads.glob("*.json"), *uploads.glob("*.part")]:
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    partial = uploads / f"upload-{hashlib.sha256(actor.encode()).hexdigest()[:16]}-{time.time_ns()}.part"
    digest = hashlib.sha256()
    with open(partial, "wb") as handle:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            handle.write(chunk)
    path = _upload_path(folder, digest.hexdigest(), actor)
    partial.replace(path)
    return path


def stashed(folder: Path, digest: str, actor: str) -> Path | None:
    """The workbook this user uploaded with that SHA-256, if it is still kept."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest or ""):
        return None
    path = _upload_path(folder, digest, actor)
    return path if path.is_file() else None


def discard(path: Path) -> None:
    """Let a kept workbook go (confirmed, refused or changed), with its kept preview."""
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


# --- its preview, kept beside it: showing the preview again is a read -----------------------------


def check(scope: Scope, path: Path, *, name: str, actor: str) -> Preview:
    """Work out a kept workbook's preview (see `preview`) and keep it beside the workbook."""
    checked = preview(scope, path, actor=actor)
    _keep(path, checked, name)
    return checked


def kept_or_checked(scope: Scope, path: Path, expected_sha256: str, *, actor: str) -> tuple[Preview, str]:
    """A kept workbook's preview and its file name: the one kept with it while the register is as it
    was then (refresh_marker.state), else worked out again (and kept), marked `rechecked`. Raises
    UnreadableFile if the workbook is no longer the file uploaded (its SHA-256)."""
    if sha256(path) != expected_sha256:
        raise UnreadableFile("the file changed since it was checked: upload it again")
    kept = _kept(path)
    name = kept["name"] if kept else path.name
    if kept is not None and kept["state"] == current_state():
        result = exchange.ImportResult(True, kept["created"], kept["updated"], kept["unchanged"])
        raised, closed = (list(map(tuple, kept[k])) for k in ("raised", "closed"))
        return Preview(result, expected_sha256, raised, closed, kept["state"]), name
    checked = check(scope, path, name=name, actor=actor)
    checked.rechecked = kept is not None
    return checked, name


def rule_titles(checked: Preview) -> dict[str, str]:
    """The titles of the rules a preview's findings are about, by code."""
    codes = {item[1] for item in (*checked.raised, *checked.closed)}
    if not codes:
        return {}
    return dict(db.session.execute(sa.select(Rule.code, Rule.title).where(Rule.code.in_(sorted(codes)))).all())


def current_state() -> str:
    """The register's state now, to compare with a preview's."""
    return refresh_marker.state(date.today())


def _keep(path: Path, checked: Preview, name: str) -> None:
    result = checked.result
    kept = {
        "name": name,
        "sha256": checked.sha256,
        "state": checked.state,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "raised": checked.raised,
        "closed": checked.closed,
    }
    partial = path.with_suffix(f".{time.time_ns()}.part")
    partial.write_text(json.dumps(kept), encoding="utf-8")
    partial.replace(path.with_suffix(".json"))


def _kept(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
