"""The `compliance` command starts quickly: importing it, listing its commands and printing a
command's help import no model, no database library and none of the heavy libraries a command
imports when it runs (bench/gaps_cli.py measures the wall time from the shell)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from compliance import cli
from compliance.models.enums import Role, Severity

HEAVY = ("reportlab", "openpyxl", "jsonschema", "authlib", "flask_login", "sqlalchemy", "compliance.models")


def _modules_after(code: str) -> set[str]:
    """The top-level modules (and compliance.models) imported by running `code` in a new interpreter."""
    probe = (
        "import sys, json\n"
        "try:\n" + "".join(f"    {line}\n" for line in code.splitlines()) + "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name in HEAVY or name.split(".")[0] in HEAVY)


def test_importing_the_command_imports_nothing_heavy():
    assert _heavy(_modules_after("import compliance.cli")) == []


@pytest.mark.parametrize("args", [["--help"], ["gaps", "--help"]], ids=["help", "gaps-help"])
def test_help_builds_no_app(args):
    modules = _modules_after(f"sys.argv = ['compliance', *{args!r}]\nfrom compliance.cli import main\nmain()")
    assert _heavy(modules) == []
    assert "compliance.views" not in modules


def test_choices_written_out_match_the_enums():
    assert cli.SEVERITIES == tuple(s.value for s in Severity)
    assert cli.ROLES == tuple(r.value for r in Role)


def test_listed_commands_are_the_apps(tmp_path):
    """The commands `compliance --help` lists without building the app are those the app has."""
    import click
    from flask.cli import FlaskGroup, ScriptInfo

    from compliance import create_app
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        INSTANCE_PATH = str(tmp_path)

    app = create_app(Config)
    group = cli._group_class()(create_app=lambda: app)
    for each in cli.commands():
        group.add_command(each)
    built = FlaskGroup(create_app=lambda: app)
    with click.Context(built, obj=ScriptInfo(create_app=lambda: app)) as ctx:
        expected = FlaskGroup.list_commands(built, ctx)
        listed = group.list_commands(ctx)
        assert listed == expected
        for name, short_help in cli.APP_COMMANDS.items():
            assert app.cli.get_command(ctx, name).get_short_help_str(200) == short_help
