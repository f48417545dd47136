"""E-mails that keep the socle commun reliable, sent with CKAN's mailer.

- When a file becomes invalid (its validation, usually a background job,
  finds errors), the collectivité's admins are told at once, by a job queued
  when the report is recorded (``socle/subscriptions.py``).
- ``ckan haute-garonne remind`` (run weekly from cron) tells each
  collectivité's admins which of its datasets are late against their
  declared frequency, and sends the département a digest of the overview.

Both can be turned off (``ckanext.haute_garonne.reminders.*``). Messages are
in the portal's language (French).
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.haute_garonne import config
from ckanext.haute_garonne.language import in_default_language
from ckanext.haute_garonne.model import ERROR, INVALID, ResourceValidation
from ckanext.haute_garonne.socle import overview

__all__ = ["admins_of", "notify_invalid", "remind"]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def _in_portal_language(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with in_default_language():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admins_of(org_id: str) -> list[model.User]:
    """The active admins of an organisation who have an e-mail address."""
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(model.Member.group_id == org_id)
        .filter(model.Member.table_name == "user")
        .filter(model.Member.capacity == "admin")
        .filter(model.Member.state == "active")
        .filter(model.User.state == "active")
        .filter(model.User.email.isnot(None), model.User.email != "")
        .all()
    )


def _one_line(text: Any) -> str:
    """Text fit for an e-mail header: a title typed with a line break (or a
    tab, or any other line separator) becomes one line, because a CR or LF
    in a header is refused by Python's mailer (and could inject headers)."""
    return " ".join(str(text or "").split())


def _mail(name: str, address: str, subject: str, body: str) -> bool:
    """Send one e-mail; a failure is logged and the round goes on."""
    try:
        mailer.mail_recipient(
            _one_line(name), _one_line(address), _one_line(subject), body
        )
    except (mailer.MailerException, ValueError) as e:
        log.warning("E-mail to %s not sent: %s", _one_line(address), e)
        return False
    return True


def _send(user: model.User, subject: str, body: str) -> bool:
    return _mail(user.display_name, user.email or "", subject, body)


def _url(endpoint: str, **kwargs: Any) -> str:
    return tk.url_for(endpoint, _external=True, **kwargs)


@_in_portal_language
def notify_invalid(resource_id: str) -> int:
    """Tell the admins of the collectivité that a file became invalid (a job).

    Returns the number of e-mails sent."""
    if not config.reminders_enabled():
        return 0
    row = ResourceValidation.latest(resource_id)
    resource = model.Resource.get(resource_id)
    if row is None or row.status not in (INVALID, ERROR) or resource is None:
        return 0
    dataset = resource.package
    if dataset is None or not dataset.owner_org:
        return 0
    report = _url(
        "haute_garonne.validation_report",
        package_type=dataset.type,
        id=dataset.name,
        resource_id=resource_id,
    )
    subject = tk._("[{site}] A file of {dataset} does not follow its standard").format(
        site=tk.config.get("ckan.site_title"), dataset=dataset.title
    )
    body = tk.ungettext(
        'Hello,\n\nThe file "{resource}" of the dataset "{dataset}" does not '
        "follow the standard {standard} {version}: {count} error. Until it is "
        "fixed, it is hidden from the public and from harvesters.\n\n"
        "The validation report says what to fix, row by row:\n{url}\n\n"
        "Fix the file and upload it again.\n",
        'Hello,\n\nThe file "{resource}" of the dataset "{dataset}" does not '
        "follow the standard {standard} {version}: {count} errors. Until it is "
        "fixed, it is hidden from the public and from harvesters.\n\n"
        "The validation report says what to fix, row by row:\n{url}\n\n"
        "Fix the file and upload it again.\n",
        row.error_count,
    ).format(
        resource=resource.name or resource.url,
        dataset=dataset.title,
        standard=row.standard,
        version=row.version,
        count=row.error_count,
        url=report,
    )
    return sum(_send(user, subject, body) for user in admins_of(dataset.owner_org))


def _late_lines(row: overview.Row) -> list[str]:
    lines = []
    # Every late dataset, even one that a worse one of its type hides.
    for cell in (d for c in row.cells for d in c.datasets):
        if cell.state == overview.LATE and cell.dataset:
            lines.append(
                tk._("- {title}: last file on {date}, {url}").format(
                    title=cell.dataset["title"],
                    date=cell.updated.date().isoformat() if cell.updated else "?",
                    url=_url(f"{cell.dataset_type}.read", id=cell.dataset["name"]),
                )
            )
    return lines


@_in_portal_language
def remind(today: datetime.date | None = None) -> dict[str, int]:
    """The weekly round: late datasets to each collectivité's admins, and the
    digest to the département. Returns what was sent."""
    sent = {"late": 0, "digest": 0}
    rows = overview.build(include_private=True, today=today)
    if config.reminders_enabled():
        for row in rows:
            lines = _late_lines(row)
            if not lines:
                continue
            subject = tk._("[{site}] Datasets of {name} to update").format(
                site=tk.config.get("ckan.site_title"), name=row.collectivite["title"]
            )
            body = tk._(
                "Hello,\n\nThese datasets have had no new file for longer than "
                "their declared update frequency allows:\n\n{lines}\n\n"
                "Upload the current file, or correct the declared frequency.\n"
            ).format(lines="\n".join(lines))
            for user in admins_of(row.collectivite["id"]):
                sent["late"] += _send(user, subject, body)
    if config.reminders_digest():
        sent["digest"] = _digest(rows)
    return sent


def _digest(rows: list[overview.Row]) -> int:
    totals = overview.totals(rows)
    template = tk._(
        "- {dataset_type}: {published} published, {valid} valid, {ok} up to date "
        "({share} percent of the collectivités under the obligation)"
    )
    lines = []
    for t in totals:
        label = t["dataset_type"].label
        lines.append(
            template.format(
                dataset_type=tk._(label),
                published=t["published"],
                valid=t["valid"],
                ok=t["ok"],
                share=t["share"],
            )
        )
    late = sum(any(c.state == overview.LATE for c in r.cells) for r in rows)
    invalid = sum(any(c.state == overview.INVALID_STATE for c in r.cells) for r in rows)
    subject = tk._("[{site}] Weekly digest of the socle commun").format(
        site=tk.config.get("ckan.site_title")
    )
    body = tk._(
        "Hello,\n\n{count} collectivités on the portal; {late} with a late dataset, "
        "{invalid} with an invalid file.\n\n{lines}\n\nThe overview: {url}\n"
    ).format(
        count=len(rows), late=late, invalid=invalid, lines="\n".join(lines),
        url=_url("haute_garonne.overview_admin"),
    )  # fmt: skip
    recipients = config.reminders_digest_to()
    if recipients:
        return sum(_mail(address, address, subject, body) for address in recipients)
    sysadmins = (
        model.Session.query(model.User)
        .filter(model.User.sysadmin.is_(True), model.User.state == "active")
        .filter(model.User.email.isnot(None), model.User.email != "")
    )
    return sum(_send(user, subject, body) for user in sysadmins)
