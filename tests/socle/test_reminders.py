"""E-mails to collectivités and to the département (CKAN's mailer, caught by
CKAN's own ``mail_server`` fixture instead of an SMTP server)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.socle import reminders

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]).encode()
MONTHLY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"


def _messages(mail_server) -> list[tuple[str, str]]:
    """(recipient, decoded message) of each e-mail sent."""
    import email

    found = []
    for _none, _sender, recipients, raw in mail_server.get_smtp_messages():
        message = email.message_from_string(raw)
        body = message.get_payload(decode=True)
        if body is None:  # multipart: the plain text part
            body = message.get_payload()[0].get_payload(decode=True)
        subject = str(
            email.header.make_header(email.header.decode_header(message["Subject"]))
        )
        found.append((recipients[0], subject + "\n" + body.decode("utf-8")))
    return found


@pytest.fixture
def as_a_job(app):
    """Run like a job or a command: outside any visitor's request (whose
    language would win), in a context of the portal's default language."""
    with app.flask_app.test_request_context():
        yield


@pytest.fixture
def roques_admin(roques):
    user = factories.User(email="maire@roques.example")
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=user["name"],
        role="admin",
    )
    return user


def _dataset(roques, **kwargs):
    return call_action(
        "package_create", type="subventions", name="subventions-roques", title="Subventions de Roques",
        notes="Subventions aux associations.", owner_org=roques["id"], **kwargs,
    )  # fmt: skip


@pytest.mark.usefixtures("clean_db", "clean_index", "as_a_job")
def test_admins_are_told_when_a_file_becomes_invalid(
    background_file, mail_server, roques, roques_admin, editor
):
    resource = background_file(_dataset(roques), INVALID)
    assert reminders.notify_invalid(resource["id"]) == 1
    ((to, text),) = _messages(mail_server)
    assert to == "maire@roques.example"  # the admin, not the editor
    assert "Subventions de Roques" in text
    assert "ne suit pas le standard" in text
    assert f"/resource/{resource['id']}/validation" in text
    # The job that sends it was queued when the report was recorded.
    titles = [j["title"] for j in call_action("job_list")]
    assert f"haute_garonne invalid file {resource['id']}" in titles


@pytest.mark.usefixtures("clean_db", "clean_index", "as_a_job")
def test_a_valid_file_sends_nothing(background_file, mail_server, roques, roques_admin):
    resource = background_file(_dataset(roques), VALID)
    assert reminders.notify_invalid(resource["id"]) == 0
    assert mail_server.get_smtp_messages() == []


@pytest.mark.usefixtures("clean_db", "clean_index", "as_a_job")
@pytest.mark.ckan_config(
    "ckanext.haute_garonne.reminders.digest_to", "opendata@cd31.example"
)
def test_the_weekly_round_reminds_late_datasets_and_sends_the_digest(
    background_file, mail_server, roques, roques_admin
):
    dataset = _dataset(roques, frequency=MONTHLY)
    background_file(dataset, VALID)
    assert reminders.remind() == {"late": 0, "digest": 1}  # on time

    in_three_months = datetime.date.today() + datetime.timedelta(days=90)
    assert reminders.remind(in_three_months) == {"late": 1, "digest": 1}
    messages = dict(_messages(mail_server)[1:])
    late = messages["maire@roques.example"]
    assert "à mettre à jour" in late and "Subventions de Roques" in late
    digest = messages["opendata@cd31.example"]
    assert "Récapitulatif hebdomadaire" in digest
    assert "1 avec un jeu de données en retard" in digest


@pytest.mark.usefixtures("clean_db", "clean_index", "as_a_job")
@pytest.mark.ckan_config("ckanext.haute_garonne.reminders.enabled", "false")
@pytest.mark.ckan_config("ckanext.haute_garonne.reminders.digest", "false")
def test_reminders_can_be_turned_off(
    background_file, mail_server, roques, roques_admin
):
    dataset = _dataset(roques, frequency=MONTHLY)
    resource = background_file(dataset, INVALID)
    assert reminders.notify_invalid(resource["id"]) == 0
    later = datetime.date.today() + datetime.timedelta(days=90)
    assert reminders.remind(later) == {"late": 0, "digest": 0}
    assert mail_server.get_smtp_messages() == []
