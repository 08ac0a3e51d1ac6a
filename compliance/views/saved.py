"""After any save, the next page says what it did to the findings: a green banner listing the
findings it closed and those it opened, each linked to its page (templates/macros/saved.html).

Every browser write goes through services/write_scope.py, which keeps what its refresh changed
(`take_changes()`); a response that redirects after it carries that in the flash, whichever page
made the save (a record form, a meeting action, an archive, an import)."""

from __future__ import annotations

from flask import Flask, flash
from flask.wrappers import Response

from ..services import write_scope


def init_app(app: Flask) -> None:
    @app.before_request
    def forget_earlier_saves() -> None:
        write_scope.take_changes()  # a save of an earlier request in this thread is not this one's

    @app.after_request
    def say_what_the_save_changed(response: Response) -> Response:
        changes = write_scope.take_changes()
        if changes is not None and 300 <= response.status_code < 400:
            # Plain lists: the flash lives in the signed session cookie, so it is kept small
            # (at most findings.SHOWN of each, with how many in all).
            flash(
                {
                    "closed": [list(item) for item in changes.closed],
                    "opened": [list(item) for item in changes.opened],
                    "closed_count": changes.closed_count,
                    "opened_count": changes.opened_count,
                },
                "saved",
            )
        return response
