"""Review reminders, sent to a local SMTP server and read back."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import date, timedelta
from email import message_from_bytes

import pytest

from compliance.extensions import db
from compliance.services import exchange, users


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive mail: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 test SMTP\r\n")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == "MAIL":
                recipients = []
                self.wfile.write(b"250 OK\r\n")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.wfile.write(b"250 OK\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append((recipients, message_from_bytes(data)))
                self.wfile.write(b"250 OK\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.server_address[1], MAIL_FROM="register@test")
    yield server
    server.shutdown()
    server.server_close()


def _register_with_reviews_due() -> None:
    today = date.today()
    doc = {
        "format": "prevent-compliance-register",
        "version": 1,
        "areas": [{"ref": "city", "name": "City", "nation": "england"}],
        "organisations": [
            {"ref": "council", "name": "City Council", "partner_type": "local_authority", "areas": ["city"]}
        ],
        "dsas": [
            {
                "ref": "old-dsa",
                "title": "Old DSA",
                "status": "in_force",
                "template_origin": "la_template",
                "review_due": (today - timedelta(days=10)).isoformat(),
                "parties": [{"organisation": "council", "signed_on": "2020-01-01"}],
            }
        ],
        "dpias": [
            {
                "ref": "soon-dpia",
                "title": "Referrals DPIA",
                "controller": "council",
                "status": "completed",
                "review_due": (today + timedelta(days=5)).isoformat(),
            },
            {
                "ref": "later-dpia",
                "title": "Panel DPIA",
                "controller": "council",
                "status": "completed",
                "review_due": (today + timedelta(days=60)).isoformat(),
            },
            {
                "ref": "far-dpia",
                "title": "Far DPIA",
                "controller": "council",
                "status": "completed",
                "review_due": (today + timedelta(days=200)).isoformat(),
            },
        ],
    }
    exchange.import_text(json.dumps(doc), actor="test", source="import")
    users.create_user("dpo@city.example", "dpo", "a-long-password", area_refs=["city"], actor="test", source="cli")
    users.create_user(
        "auditor@city.example", "auditor", "a-long-password", area_refs=["city"], actor="test", source="cli"
    )
    db.session.commit()


def test_each_dpo_gets_a_digest_of_reviews_due_and_overdue(cli, smtp_server):
    _register_with_reviews_due()
    result = cli(["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["dpo@city.example"] and message["To"] == "dpo@city.example"
    assert message["Subject"] == "OFFICIAL-SENSITIVE: 3 Prevent compliance reviews due, 1 overdue"
    body = message.get_payload(decode=True).decode()
    assert body.index("Overdue:") < body.index("Old DSA") < body.index("Due within 7 days:")
    assert body.index("Referrals DPIA") < body.index("Due within 90 days:") < body.index("Panel DPIA")
    assert "Far DPIA" not in body


def test_a_dry_run_prints_and_sends_nothing(cli, smtp_server):
    _register_with_reviews_due()
    result = cli(["reminders", "send", "--dry-run"])
    assert "To: dpo@city.example" in result.stdout and smtp_server.messages == []


def test_an_unreachable_server_is_reported(cli, app):
    _register_with_reviews_due()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    result = cli(["reminders", "send"])
    assert result.exit_code == 2 and "Could not send the reminders" in result.stderr
