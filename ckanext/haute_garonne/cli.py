"""`ckan haute-garonne …` commands."""

from __future__ import annotations

import sys
from typing import Any

import click

import ckan.plugins.toolkit as tk

from ckanext.haute_garonne.collectivites import onboarding
from ckanext.haute_garonne.language import in_default_language
from ckanext.haute_garonne.socle import jobs, reminders
from ckanext.haute_garonne.socle.consolidation import portal
from ckanext.haute_garonne.uploads import jobs as upload_jobs
from ckanext.haute_garonne.validation.__main__ import main

__all__ = ["haute_garonne"]


@click.group(name="haute-garonne", short_help="Commands of the Haute-Garonne portal.")
def haute_garonne() -> None:
    pass


@haute_garonne.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--schema",
    required=True,
    help="Standard, e.g. deliberations or scdl/deliberations@2.1.5",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option(
    "--max-errors", type=int, default=None, help="Errors listed in the report."
)
@click.option(
    "--lang", default=None, help="Language of the messages: fr (default) or en."
)
def validate(
    file: str, schema: str, as_json: bool, max_errors: int | None, lang: str | None
) -> None:
    """Validate FILE against an SCDL standard (exit 0 valid, 1 invalid, 2 unreadable)."""
    argv = [file, "--schema", schema]
    if as_json:
        argv.append("--json")
    if max_errors is not None:
        argv += ["--max-errors", str(max_errors)]
    if lang:
        argv += ["--lang", lang]
    sys.exit(main(argv))


@haute_garonne.command()
@click.option("--all", "all_", is_flag=True, help="Every SCDL file of the portal.")
@click.option("--org", help="Only the files of this collectivité (name or id).")
def revalidate(all_: bool, org: str | None) -> None:
    """Validate SCDL files again, in background jobs."""
    if not all_ and not org:
        raise click.UsageError("give --all or --org NAME")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    data = {"organization": org} if org else {}
    try:
        result = tk.get_action("haute_garonne_validation_run_all")(context, data)
    except tk.ObjectNotFound as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        f"{result['queued']} file(s) queued for validation; run `ckan jobs worker`."
    )


@haute_garonne.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every line, change nothing.")
@click.option("--verbose", "-v", is_flag=True, help="List unchanged lines too.")
def onboard(file: str, dry_run: bool, verbose: bool) -> None:
    """Create or update collectivités from the CSV FILE (exit 1 if a line is
    refused). The file of every commune and EPCI of Haute-Garonne ships with
    the extension (ckanext/haute_garonne/data/collectivites-31.csv)."""
    with in_default_language():
        _onboard(file, dry_run, verbose)


def _onboard(file: str, dry_run: bool, verbose: bool) -> None:
    try:
        report = onboarding.onboard(file, dry_run=dry_run)
    except onboarding.OnboardingError as e:
        raise click.ClickException(str(e)) from e
    labels = {
        "created": tk._("would be created") if dry_run else tk._("created"),
        "updated": tk._("would be updated") if dry_run else tk._("updated"),
        "unchanged": tk._("unchanged"),
        "refused": tk._("refused"),
    }
    for line in report.lines:
        if line.status == "unchanged" and not verbose:
            continue
        who = " ".join(
            p for p in (line.name, f"({line.title})" if line.title else "") if p
        )
        text = tk._("line {line}: {status} {who}").format(
            line=line.line, status=labels[line.status], who=who or line.siren
        )
        if line.changed:
            text += " [" + ", ".join(line.changed) + "]"
        click.echo(text.rstrip())
        for reason in line.reasons:
            click.echo(f"    {reason}")
    click.echo(
        tk._(
            "{created} created, {updated} updated, {unchanged} unchanged, "
            "{refused} refused ({total} lines)"
        ).format(
            created=report.count("created"),
            updated=report.count("updated"),
            unchanged=report.count("unchanged"),
            refused=report.count("refused"),
            total=len(report.lines),
        )
        + (" — " + tk._("dry run: nothing was changed") if dry_run else "")
    )
    if report.count("refused"):
        sys.exit(1)


@haute_garonne.command()
@click.argument("standard")
@click.option("--version", "version", help="Version of the standard (the latest).")
@click.option(
    "--queue", "queue_", is_flag=True, help="Run in a background job instead."
)
def consolidate(standard: str, version: str | None, queue_: bool) -> None:
    """Merge the valid public files of STANDARD (e.g. subventions) from every
    collectivité into the Département's consolidated dataset, and print what
    was merged and left out."""
    with in_default_language():
        _consolidate(standard, version, queue_)


def _consolidate(standard: str, version: str | None, queue_: bool) -> None:
    try:
        chosen = portal.resolve(standard, version)
        if queue_:
            portal.require_department()
            jobs.queue_consolidation(chosen.standard, chosen.version)
            click.echo(tk._("Consolidation queued; run `ckan jobs worker`."))
            return
        report = portal.consolidate(chosen.standard, chosen.version)
    except portal.ConsolidationError as e:
        raise click.ClickException(str(e)) from e
    click.echo(
        tk._(
            "{standard} {version}: {rows} row(s) from {files} file(s), "
            "{neutralised} cell(s) neutralised"
        ).format(
            standard=report.standard,
            version=report.version,
            rows=report.rows,
            files=report.files,
            neutralised=report.neutralised,
        )
    )
    if report.left_out:
        click.echo(tk._("Files left out:"))
        for left in report.left_out:
            click.echo(f"  - {left.label}: {portal.reason_label(left)}")
    if report.problem:
        raise click.ClickException(report.problem)
    click.echo(tk._("Published in the dataset {name}.").format(name=report.dataset))


@haute_garonne.command()
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge lateness as on this day (default: today).",
)
def remind(today: Any) -> None:
    """E-mail late datasets to each collectivité's admins, and the weekly
    digest to the département (run it weekly from cron)."""
    sent = reminders.remind(today.date() if today else None)
    click.echo(
        f"{sent['late']} reminder(s) about late datasets, "
        f"{sent['digest']} digest(s) sent."
    )


@haute_garonne.command()
@click.option(
    "--min-age",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="Only validations waiting for at least this many seconds.",
)
def requeue(min_age: int) -> None:
    """Queue again the validations no job will finish: their job was lost
    (a Redis restarted without persistence) or its worker died (run it from
    cron every few minutes). Validation and consolidation jobs do it too
    when they start, at most once a minute."""
    with in_default_language():
        counts = upload_jobs.requeue_stale(min_age)
        click.echo(
            tk._(
                "{requeued} validation(s) queued again, {failed} given up "
                "(recorded as errors), {running} waiting or running."
            ).format(**counts)
        )
