"""`ckan haute-garonne …` commands."""

from __future__ import annotations

import sys

import click

import ckan.plugins.toolkit as tk

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
    from ckanext.haute_garonne.validation.__main__ import main

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
