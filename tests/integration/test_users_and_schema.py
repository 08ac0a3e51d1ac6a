"""`compliance users create`, and the migrations against the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from compliance.extensions import db
from compliance.models import AuditEvent, User
from tests.conftest import ROOT, make_app
from tests.integration.test_exchange import import_doc, load_fixture

PASSWORD = "correct horse battery staple"


def test_create_user_reads_the_password_from_stdin_and_hashes_it(cli):
    assert import_doc(cli, load_fixture("spec-example.json")).exit_code == 0
    result = cli(
        [
            "users",
            "create",
            "Chair@City.example.gov.uk",
            "--role",
            "panel_chair",
            "--area",
            "city",
            "--panel",
            "city-channel",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "chair@city.example.gov.uk"))
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert [a.ref for a in user.areas] == ["city"] and [p.ref for p in user.panels] == ["city-channel"]
    entry = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.record_type == "user"))
    assert entry.after["role"] == "panel_chair" and "password" not in str(entry.after)


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["someone@example.org", "--role", "dpo", "--area", "atlantis"], PASSWORD, "there is no area 'atlantis'"),
        (["someone@example.org", "--role", "dpo", "--panel", "none"], PASSWORD, "there is no panel 'none'"),
        (["someone@example.org", "--role", "dpo"], "short", "at least 12 characters"),
        (["not-an-email", "--role", "dpo"], PASSWORD, "is not an email address"),
        (["someone@example.org", "--role", "superuser"], PASSWORD, "'superuser' is not one of"),
    ],
)
def test_bad_user_input_exits_2_and_creates_nobody(cli, args, password, message):
    result = cli(["users", "create", *args], input=password + "\n")
    assert result.exit_code == 2
    assert message in result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_second_user_with_the_same_email_is_refused(cli):
    assert cli(["users", "create", "a@example.org", "--role", "admin"], input=PASSWORD).exit_code == 0
    result = cli(["users", "create", "A@example.org", "--role", "auditor"], input=PASSWORD)
    assert result.exit_code == 2 and "already exists" in result.stderr


def test_migrations_build_the_schema_the_models_describe(scratch_database_url):
    """`db upgrade` from nothing, then Alembic's comparison finds nothing left to migrate."""
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade()
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert differences == []
    assert {"data_flow", "finding", "audit_event", "alembic_version"} <= set(tables)


def test_the_compliance_command_is_installed():
    script = Path(sys.executable).parent / "compliance"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    for command in ("db", "seed", "import", "export", "gaps", "users"):
        assert f"  {command}" in result.stdout


def test_the_audit_trail_is_append_only(cli):
    from compliance.models.audit import AuditTrailIsAppendOnly

    assert import_doc(cli, load_fixture("spec-example.json")).exit_code == 0
    entry = db.session.scalar(sa.select(AuditEvent).limit(1))
    entry.actor = "someone else"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(AuditEvent).limit(1)))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_reference_data_reloads_in_place_and_drops_what_the_file_no_longer_lists(cli, tmp_path):
    import json
    import shutil

    from compliance.models import LegalReference
    from compliance.services import reference

    folder = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, folder)
    reference.load(folder)
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LegalReference))
    refs = json.loads((folder / "legal_references.json").read_text())
    rules = json.loads((folder / "rules.json").read_text())
    used = {code for rule in rules for code in rule["references"]}
    unused = (
        next(item for item in refs if item["code"] not in used)
        if any(item["code"] not in used for item in refs)
        else None
    )
    if unused is None:  # every reference is cited: add one, load, then take it away again
        refs.append({"code": "extra", "citation": "Extra", "title": None, "url": None, "source": None, "note": None})
        (folder / "legal_references.json").write_text(json.dumps(refs))
        reference.load(folder)
        count += 1
        unused = refs[-1]
    (folder / "legal_references.json").write_text(json.dumps([r for r in refs if r["code"] != unused["code"]]))
    reference.load(folder)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalReference)) == count - 1


def test_only_a_password_the_register_made_up_must_be_changed(cli):
    """create_user(temporary=True) sets the flag; a password the operator sets clears it; the
    person's own change checks the current one first and is audited without either password."""
    from compliance.services import users

    users.create_user("temp@example.org", "auditor", "made-up-temporary", temporary=True, actor="test", source="web")
    users.create_user("typed@example.org", "auditor", PASSWORD, actor="test", source="cli")
    db.session.commit()
    assert users.get("temp@example.org").password_must_change is True
    assert users.get("typed@example.org").password_must_change is False
    person = users.get("temp@example.org")
    generation = person.session_generation
    with pytest.raises(users.PasswordChangeError) as refused:
        users.change_own_password(person, "wrong", "short", "other", source="web")
    assert set(refused.value.problems) == {"current_password", "new_password", "confirm_password"}
    db.session.rollback()
    users.change_own_password(person, "made-up-temporary", PASSWORD, PASSWORD, source="web")
    db.session.remove()
    person = users.get("temp@example.org")
    assert person.password_must_change is False and person.session_generation == generation + 1
    entry = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert entry.actor == "web:temp@example.org" and entry.after["password"] == "changed"
    assert "made-up-temporary" not in str(entry.before) and PASSWORD not in str(entry.after)
    users.create_user("again@example.org", "auditor", "made-up-temporary", temporary=True, actor="t", source="web")
    users.set_password("again@example.org", PASSWORD, actor="test", source="cli")
    assert users.get("again@example.org").password_must_change is False
