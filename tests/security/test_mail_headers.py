"""A line break in a dataset title or a user's name cannot break or inject
an e-mail header: the reminder jobs send their e-mails with one-line
subjects and recipients (caught by CKAN's own ``mail_server`` fixture)."""

from __future__ import annotations

import datetime
import email
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.socle import reminders

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]).encode()
MONTHLY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
TITLE = "Subventions de Roques\r\nBcc: pirate@evil.example\nX-Injected: 1"


@pytest.fixture
def as_a_job(app: Any) -> Any:
    with app.flask_app.test_request_context():
        yield


def _sent(mail_server: Any) -> list[tuple[list[str], email.message.Message]]:
    return [
        (recipients, email.message_from_string(raw))
        for _none, _sender, recipients, raw in mail_server.get_smtp_messages()
    ]


def _subject(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.mark.usefixtures("clean_db", "clean_index", "as_a_job")
@pytest.mark.ckan_config(
    "ckanext.haute_garonne.reminders.digest_to", "opendata@cd31.example"
)
def test_a_title_with_line_breaks_is_mailed_on_one_line(
    background_file: Any, mail_server: Any, roques: dict[str, Any]
) -> None:
    admin = factories.User(
        email="maire@roques.example", fullname="Le maire\r\nCc: autre@evil.example"
    )
    call_action(
        "organization_member_create", id=roques["id"], username=admin["name"],
        role="admin",
    )  # fmt: skip

    def dataset(name: str) -> dict[str, Any]:
        return call_action(
            "package_create", type="subventions", name=name, title=TITLE,
            notes="Subventions aux associations.", owner_org=roques["id"],
            frequency=MONTHLY,
        )  # fmt: skip

    published = dataset("subventions-roques")
    assert "\n" in call_action("package_show", id=published["id"])["title"]
    background_file(published, VALID)
    resource = background_file(dataset("subventions-roques-2025"), INVALID)

    # The job run when a file becomes invalid, then the weekly round.
    assert reminders.notify_invalid(resource["id"]) == 1
    later = datetime.date.today() + datetime.timedelta(days=90)
    assert reminders.remind(later) == {"late": 1, "digest": 1}

    sent = _sent(mail_server)
    assert len(sent) == 3
    for recipients, message in sent:
        assert recipients in (["maire@roques.example"], ["opendata@cd31.example"])
        assert message["Bcc"] is None and message["Cc"] is None
        assert message["X-Injected"] is None
        assert "\n" not in _subject(message) and "\r" not in _subject(message)
    subjects = [_subject(m) for _r, m in sent]
    assert "Subventions de Roques Bcc: pirate@evil.example X-Injected: 1" in subjects[0]
    assert "Le maire Cc: autre@evil.example" in sent[0][1]["To"]
