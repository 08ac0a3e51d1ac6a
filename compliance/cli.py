"""The `compliance` command: Flask's CLI (run, routes, shell, db ...) plus the register's own.

Exit codes: 0 success; 1 ran, but a --fail-on threshold was met; 2 bad input (nothing written,
and a message on stderr that names what was wrong).
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask

BAD_INPUT = 2
THRESHOLD_MET = 1
CHAIN_BROKEN = 1

# The values of models.enums.Severity and Role, written out so that printing a command's help
# imports no model (tests/unit/test_cli_startup.py checks that they agree).
SEVERITIES = ("high", "medium", "low")
ROLES = ("admin", "dpo", "panel_chair", "auditor")


class _BuildsApp:
    """One of the register's commands: the app (models, views, extensions) is built when the
    command runs, not when its help is printed or the commands are listed."""

    # False: the command serves no page, so the app is built without them (create_app(web=False)).
    web = True

    def invoke(self, ctx: click.Context) -> Any:
        from flask import current_app
        from flask.cli import ScriptInfo

        from . import create_app

        if not current_app:
            info = ctx.ensure_object(ScriptInfo)
            if not self.web and info.create_app is create_app:
                info.create_app = functools.partial(create_app, web=False)
            app = info.load_app()
            ctx.with_resource(app.app_context())
        return super().invoke(ctx)


class AppCommand(_BuildsApp, click.Command):
    pass


class PagelessCommand(AppCommand):
    web = False


class AppCommandGroup(_BuildsApp, click.Group):
    pass


command = functools.partial(click.command, cls=AppCommand)
group = functools.partial(click.group, cls=AppCommandGroup)


def actor() -> str:
    """Who is running the command, for the audit trail."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = f"uid-{os.getuid()}"
    return f"cli:{name}"


def fail(*lines: str) -> None:
    for line in lines:
        click.echo(line, err=True)
    raise click.exceptions.Exit(BAD_INPUT)


def parse_date(ctx: click.Context, param: click.Parameter, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        fail(f"Cannot read {path}: {error.strerror}")
        raise  # unreachable: fail() exits


def write_output(path: str, text: str | Callable[[IO[str]], None]) -> None:
    """Write to stdout, or to a file atomically (no half-written file on failure). `text` is the
    text, or a function that writes it to the stream it is given."""
    write = text if callable(text) else lambda stream: stream.write(text)
    if path == "-":
        write(sys.stdout)
        return
    target = Path(path)
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent or ".", delete=False) as tmp:
            write(tmp)
        os.replace(tmp.name, target)
    except OSError as error:
        fail(f"Cannot write {path}: {error.strerror}")


def commands() -> list[click.Command]:
    """The register's own commands (Flask adds run, shell and routes, Flask-Migrate db)."""
    from .cli_ops import ops_commands

    return [
        seed,
        import_command,
        export_command,
        synth_command,
        gaps_command,
        users,
        foi,
        report,
        reminders,
        audit,
        purge_command,
        *ops_commands(),
    ]


def register_commands(app: Flask) -> None:
    for each in commands():
        app.cli.add_command(each)


@group(help="Load reference data or the demo register.")
def seed() -> None:
    pass


@seed.command("demo", help="Load the demo register of Riverford City Council and its users (idempotent).")
def seed_demo() -> None:
    from .exchange.validate import InvalidDocument
    from .services import seeding

    try:
        seeded = seeding.seed_demo(actor())
    except seeding.SeedRefused as error:
        fail(str(error))
    except InvalidDocument as error:
        fail(f"The demo register {seeding.DEMO_FILE} is not valid:", *(f"  {p}" for p in error.problems))
    click.echo(seeded.result.summary())
    for email in seeded.users_created:
        click.echo(f"Created user {email}")
    if seeded.password:
        click.echo("Sign in as any of: " + ", ".join(email for email, *_ in seeding.DEMO_USERS))
        click.echo(f"Demo password: {seeded.password}")


@seed.command("reference", help="Load or update the legal references, rule catalogue and partner types.")
def seed_reference() -> None:
    from .services import reference, seeding

    try:
        counts = seeding.seed_reference(actor())
    except reference.ReferenceDataError as error:
        fail(f"Reference data not loaded: {error}")
    click.echo(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()))


@command(
    "import",
    help="Import an exchange file (- for stdin), an exchange workbook (.xlsx), or CSV files of its "
    "sheets (one per sheet, named after it). All or nothing.",
)
@click.argument("file", nargs=-1, required=True, metavar="FILE...")
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
def import_command(file: tuple[str, ...], dry_run: bool) -> None:
    from .services import exchange

    suffixes = {Path(name).suffix.casefold() for name in file}
    shown = ", ".join(file)
    try:
        if suffixes <= {".xlsx", ".csv"} and (len(file) == 1 or suffixes == {".csv"}):
            result = _import_workbook([Path(name) for name in file], dry_run)
        elif len(file) > 1:
            fail("Give one exchange file or workbook, or CSV files (one per sheet).")
        else:
            result = exchange.import_text(read_input(file[0]), actor=actor(), source="import", dry_run=dry_run)
    except exchange.InvalidDocument as error:
        fail(
            f"{shown}: not imported, nothing was written. {error.summary()}:",
            *(f"  {problem}" for problem in error.problems),
            *([f"  ... {error.summary()}"] if error.beyond else []),
        )
    click.echo(result.summary())
    if result.refreshed:
        refreshed = result.refreshed
        counts = f"({refreshed.opened} new, {refreshed.reopened} reopened, {refreshed.closed} closed)"
        if refreshed.subjects is None:
            click.echo(f"Findings as of {refreshed.as_of}: {len(refreshed.raised)} raised {counts}")
        else:
            # A scoped refresh: only the records the import could affect were checked again.
            checked = len(refreshed.subjects)
            click.echo(
                f"Findings as of {refreshed.as_of}, for the {checked} {'record' if checked == 1 else 'records'} "
                f"this import could affect: {len(refreshed.raised)} raised {counts}; the others' findings stand"
            )


def _import_workbook(paths: list[Path], dry_run: bool):
    """A workbook or CSV files, with a progress line on stderr."""
    import time

    from .services import workbook_import

    for path in paths:
        if not path.is_file():
            fail(f"{path}: no such file")
    started = time.monotonic()

    def progress(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:5.1f}s] {message}", err=True)

    try:
        return workbook_import.import_files(paths, actor=actor(), dry_run=dry_run, progress=progress)
    except workbook_import.UnreadableFile as error:
        fail(f"Not imported, nothing was written: {error}")


@command("synth", help="Generate a synthetic register of N areas into an empty register, for load and scale work.")
@click.option("--areas", type=click.IntRange(1, 1000), required=True, help="How many areas (England and Wales: ~200).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same register.")
def synth_command(areas: int, seed: int) -> None:
    from .services import synth

    try:
        result = synth.generate(areas, seed=seed, actor=actor())
    except synth.RegisterNotEmpty as error:
        fail(str(error))
    click.echo(result.summary())
    refreshed = result.refreshed
    click.echo(f"Findings as of {refreshed.as_of}: {len(refreshed.raised)} raised")


@command(
    "purge",
    help="Delete a record created by mistake (TYPE: dpias, dpia, organisations...). Admins only; audited with "
    "its full state. Anything else is archived from its page, never deleted.",
)
@click.argument("record_type", metavar="TYPE")
@click.argument("ref")
@click.option("--reason", required=True, help="Why it is purged (written in the audit trail).")
@click.option("--admin", "admin_email", required=True, help="The email of the admin purging it.")
def purge_command(record_type: str, ref: str, reason: str, admin_email: str) -> None:
    from .services import purge

    try:
        state = purge.purge(record_type, ref, reason=reason, admin_email=admin_email, actor=actor())
    except purge.PurgeRefused as error:
        fail(f"Not purged: {error}")
    click.echo(f"Purged {record_type} {ref}; the audit trail keeps it as it was ({len(state)} fields).")


@command(
    "export",
    help="Write the register, or one area, as an exchange file (- for stdout), or as an exchange "
    "workbook when FILE ends in .xlsx.",
)
@click.argument("file")
@click.option("--area", help="Only this area (its flows, panels and what they rest on).")
@click.option("--redact", is_flag=True, help="Leave out personal data (signatory and attendee names).")
@click.option("--template", is_flag=True, help="A blank exchange workbook to fill in (FILE.xlsx).")
def export_command(file: str, area: str | None, redact: bool, template: bool) -> None:
    from .exchange.serialise import FORMAT_NAME, FORMAT_VERSION, write
    from .services import exchange

    workbook = file.casefold().endswith(".xlsx")
    if template and not workbook:
        fail("--template writes a workbook: give a FILE ending in .xlsx.")
    if template:
        doc = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    else:
        try:
            doc = exchange.export_document(area, redact=redact)
        except exchange.UnknownArea:
            fail(f"There is no area {area!r} in the register.")
    if workbook:
        from .exchange import workbook_out

        workbook_out.write(doc, file)
    else:
        write_output(file, lambda stream: write(doc, stream))


@click.command(
    "gaps",
    cls=PagelessCommand,
    help="Print the findings of every gap rule, worst first (the stored findings, once they are exact for the date).",
)
@click.option("--area", help="Only findings about this area.")
@click.option(
    "--as-of", callback=parse_date, help="Evaluation date, YYYY-MM-DD (default: the register's date, else today)."
)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Exit 1 when an open finding at or above this severity remains.",
)
@click.option(
    "--recompute",
    is_flag=True,
    help="Run every rule over the whole register and store the outcome, rather than read the stored "
    "findings (the output is the same; a nightly run keeps them fresh).",
)
def gaps_command(
    area: str | None, as_of: date | None, output_format: str, fail_on: str | None, recompute: bool
) -> None:
    from .extensions import db
    from .models.enums import Severity
    from .services import gaps

    try:
        result = gaps.report(actor=actor(), as_of=as_of, area=area, recompute=recompute)
        db.session.commit()
    except gaps.UnknownArea:
        db.session.rollback()
        fail(f"There is no area {area!r} in the register.")
    render = {"text": gaps.as_text, "json": gaps.as_json, "csv": gaps.as_csv}[output_format]
    sys.stdout.write(render(result))
    if fail_on and result.open_at_or_above(Severity(fail_on)):
        raise click.exceptions.Exit(THRESHOLD_MET)


@group(help="Manage the people who use the register.")
def users() -> None:
    pass


@users.command("create", help="Create a user. The password is read from stdin (never an argument).")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "areas", multiple=True, help="An area the user may see (repeat for more).")
@click.option("--panel", "panels", multiple=True, help="A panel the user chairs (repeat for more).")
@click.option(
    "--break-glass",
    is_flag=True,
    help="An admin who may sign in with a password even when PASSWORD_SIGN_IN=disabled (every use is audited).",
)
def users_create(email: str, role: str, areas: tuple[str, ...], panels: tuple[str, ...], break_glass: bool) -> None:
    from .extensions import db
    from .services import users as user_service

    password = _read_password()
    try:
        user_service.create_user(
            email,
            role,
            password,
            area_refs=list(areas),
            panel_refs=list(panels),
            break_glass=break_glass,
            actor=actor(),
            source="cli",
        )
        db.session.commit()
    except user_service.UserError as error:
        db.session.rollback()
        fail(f"User not created: {error}.")
    click.echo(f"Created {'break-glass ' if break_glass else ''}{role} {email.strip().lower()}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _change_user(change, done: str) -> None:
    from .extensions import db
    from .services import users as user_service

    try:
        user = change(user_service)
    except user_service.UserError as error:
        db.session.rollback()
        fail(f"User not changed: {error}.")
    click.echo(f"{done} {user.email}; every session of theirs has ended")


@users.command("set-password", help="Give a user a new password, read from stdin. Ends their sessions.")
@click.argument("email")
def users_set_password(email: str) -> None:
    password = _read_password()
    _change_user(lambda s: s.set_password(email, password, actor=actor(), source="cli"), "New password for")


@users.command("disable", help="Stop a user signing in. Ends their sessions.")
@click.argument("email")
def users_disable(email: str) -> None:
    _change_user(lambda s: s.set_active(email, False, actor=actor(), source="cli"), "Disabled")


@users.command("enable", help="Let a disabled user sign in again.")
@click.argument("email")
def users_enable(email: str) -> None:
    _change_user(lambda s: s.set_active(email, True, actor=actor(), source="cli"), "Enabled")


@users.command("update", help="Change a user's role, areas or panels. Ends their sessions.")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), help="The new role.")
@click.option("--area", "areas", multiple=True, help="Their areas, replacing the current ones (repeat for more).")
@click.option("--panel", "panels", multiple=True, help="Their panels, replacing the current ones (repeat for more).")
def users_update(email: str, role: str | None, areas: tuple[str, ...], panels: tuple[str, ...]) -> None:
    _change_user(
        lambda s: s.set_access(
            email,
            role=role,
            area_refs=list(areas) if areas else None,
            panel_refs=list(panels) if panels else None,
            actor=actor(),
            source="cli",
        ),
        "Updated",
    )


@group(help="Freedom of Information: draft answers to the standard Prevent/Channel request.")
def foi() -> None:
    pass


@foi.command("draft", help="Draft answers to the 14 standard Prevent/Channel FOI questions for one area.")
@click.option("--area", required=True, help="The area the request is about.")
@click.option("--as-of", callback=parse_date, help="Date the answers describe, YYYY-MM-DD (default: register date).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def foi_draft(area: str, as_of: date | None, output_format: str) -> None:
    import json

    from .services import foi as foi_service

    try:
        result = foi_service.draft(area, as_of)
    except foi_service.UnknownArea:
        fail(f"There is no area {area!r} in the register.")
    if output_format == "json":
        text = json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = foi_service.as_text(result)
    foi_service.record_generation(area, text, output_format, actor=actor())
    sys.stdout.write(text)


@group(help="Reports for auditors.")
def report() -> None:
    pass


def _write_report(write, out: str, *, area: str | None, **options):
    """Run a report writer in one transaction (it refreshes findings and may audit), with exit 2
    and a message for an unknown area or a file that cannot be written."""
    from .extensions import db
    from .services import gaps

    try:
        result = write(out, area=area, actor=actor(), **options)
        db.session.commit()
    except gaps.UnknownArea:
        db.session.rollback()
        fail(f"There is no area {area!r} in the register.")
    except OSError as error:
        db.session.rollback()
        fail(f"Cannot write {out}: {error.strerror}")
    return result


@report.command("pdf", help="The audit report as PDF, for the register or one area.")
@click.argument("out")
@click.option("--area", help="Only this area.")
@click.option("--as-of", callback=parse_date, help="Evaluation date, YYYY-MM-DD (default: the register's date).")
def report_pdf(out: str, area: str | None, as_of: date | None) -> None:
    from .services import reports

    written = _write_report(reports.pdf, out, area=area, as_of=as_of)
    click.echo(f"Wrote {out}: {written['pages']} pages, SHA-256 {written['sha256']}")


@report.command(
    "xlsx", help="The register, or one area, as an Excel workbook: summary, findings, one sheet per record type."
)
@click.argument("out")
@click.option("--area", help="Only this area.")
def report_xlsx(out: str, area: str | None) -> None:
    from .services import reports

    counts = _write_report(reports.workbook, out, area=area)
    click.echo(f"Wrote {out}: " + ", ".join(f"{name} {rows}" for name, rows in counts.items()))


@group(help="Review reminders for DPOs.")
def reminders() -> None:
    pass


@reminders.command("send", help="Email each DPO the reviews of their areas that are overdue or due in 90 days.")
@click.option("--dry-run", is_flag=True, help="Print the digests instead of sending them.")
def reminders_send(dry_run: bool) -> None:
    from .services import reminders as service

    if dry_run:
        for digest in service.digests():
            click.echo(f"To: {digest.to}\nSubject: {digest.subject}\n\n{digest.body}")
        return
    try:
        sent = service.send()
    except OSError as error:
        fail(f"Could not send the reminders through the SMTP server: {error}")
    click.echo(f"Sent {len(sent)} reminder email(s)" + "".join(f"\n  {d.to}: {d.reviews} review(s)" for d in sent))


@group(help="The audit trail.")
def audit() -> None:
    pass


@audit.command("verify", help="Check the audit trail's hash chains: exit 0 if every entry matches, 1 if one does not.")
@click.option(
    "--head",
    "heads",
    multiple=True,
    help="A head hash printed on an earlier report: it must still be in the chain (repeatable).",
)
def audit_verify(heads: tuple[str, ...]) -> None:
    from .services import audit_chain

    result = audit_chain.verify(expected=set(heads))
    if not result.ok:
        click.echo(f"The audit trail does not verify: {result.problem}", err=True)
        raise click.exceptions.Exit(CHAIN_BROKEN)
    checked = ", ".join(f"{count} {audit_chain.PLURALS[name]}" for name, count in result.checked.items())
    click.echo(f"The audit trail verifies: {sum(result.checked.values())} entries checked ({checked}).")
    for name, head in result.heads.items():
        click.echo(f"Head of {name}: {head}")


# Commands the app adds when it is built, with their one-line help, so that listing the commands
# builds no app (tests/unit/test_cli_startup.py checks this against the built app).
APP_COMMANDS = {"db": "Perform database migrations."}


def _group_class() -> type:
    from flask.cli import FlaskGroup

    class RegisterGroup(FlaskGroup):
        """Flask's group with the register's commands as its own: `compliance --help` and a
        command's --help import no model and build no app; a command builds it when it runs."""

        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted({*self.commands, *APP_COMMANDS})

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
            rows = [
                (name, self.commands[name].get_short_help_str(limit) if name in self.commands else APP_COMMANDS[name])
                for name in self.list_commands(ctx)
                if name not in self.commands or not self.commands[name].hidden
            ]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    return RegisterGroup


def main() -> None:
    from . import ConfigError, create_app
    from .runtime import InstanceFileError

    cli = _group_class()(create_app=create_app, help="The Prevent Compliance Register.")
    for each in commands():
        cli.add_command(each)
    try:
        cli.main(prog_name="compliance")
    except (ConfigError, InstanceFileError) as error:
        click.echo(f"compliance: not started: {error}", err=True)
        sys.exit(BAD_INPUT)
