"""Load the demo content into the portal configured by CKAN_INI.

Creates the demo collectivités (dev/demo/collectivites.csv), a sysadmin, one
editor per collectivité, and the SCDL datasets of dev/demo/datasets.json with
their files from dev/demo/files/; a resource with a "table" entry is an
online table ("Saisir en ligne") whose rows the collectivité's editor adds
through ``datastore_upsert``. Idempotent: what already exists is kept as it
is. Prints the demo accounts.

    CKAN_INI=.data/demo/ckan.ini .venvs/ckan-2.12/bin/python dev/demo/load.py
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import demo_images as images  # next to this script
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.cli import load_config
from ckan.config.middleware import make_app

HERE = Path(__file__).parent
FILES = HERE / "files"
SYSADMIN = {
    "name": "admin",
    "password": "Admin-Demo-31",
    "fullname": "Administrateur du portail",
}
EDITOR_PASSWORD = "Editeur-Demo-31"

KIND_LABELS = {
    "departement": "Département",
    "communaute_communes": "Communauté de communes",
    "communaute_agglomeration": "Communauté d'agglomération",
    "commune": "Commune",
}
IDENTITY = ("kind", "siren", "insee", "epci_siren", "population")


def collectivites() -> Iterator[dict[str, str]]:
    with (HERE / "collectivites.csv").open(encoding="utf-8") as f:
        yield from csv.DictReader(f)


def themes() -> dict[str, dict[str, str]]:
    with (HERE / "themes.csv").open(encoding="utf-8") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


def organization_fields(org: dict[str, str]) -> dict[str, Any]:
    """A collectivité's identity and theme, as our organisation schema has them."""
    look = themes().get(org["name"], {})
    fields = {k: org[k] for k in IDENTITY if org[k]}
    fields.update({k: v for k, v in look.items() if v and k != "name"})
    return {
        "name": org["name"],
        "title": org["title"],
        "description": f"{KIND_LABELS[org['kind']]} — SIREN {org['siren']}",
        **fields,
    }


def _image(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), name, content_type="image/png")


def theme(group: dict[str, Any], org: dict[str, str]) -> dict[str, Any]:
    """Bring identity and colours up to date; draw a logo and a banner for a
    collectivité that has none."""
    patch = {"id": group["id"], **organization_fields(org)}
    look = themes().get(org["name"], {})
    primary = look.get("primary_color") or "#005a8c"
    secondary = look.get("secondary_color") or "#e5f0f7"
    if not group.get("image_url"):
        patch["image_upload"] = _image(
            images.logo(org["title"], primary, secondary), f"logo-{org['name']}.png"
        )
    if not group.get("banner_url"):
        patch["banner_upload"] = _image(
            images.banner(primary, secondary), f"banniere-{org['name']}.png"
        )
    return tk.get_action("organization_patch")(_context(), patch)


def _context() -> dict[str, Any]:
    """Actions run as the site user, whom the activity stream can name."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def ensure(
    show: str, create: str, data: dict[str, Any], key: str = "name"
) -> tuple[dict[str, Any], bool]:
    """Show an object, creating it first if it does not exist."""
    try:
        return tk.get_action(show)(_context(), {"id": data[key]}), False
    except tk.ObjectNotFound:
        return tk.get_action(create)(_context(), data), True


def load_users_and_organizations() -> tuple[
    dict[str, dict[str, Any]], list[tuple[str, str, str]]
]:
    accounts = []
    admin, _ = ensure(
        "user_show",
        "user_create",
        {**SYSADMIN, "email": "admin@demo.haute-garonne.invalid"},
    )
    if not admin.get("sysadmin"):
        tk.get_action("user_patch")(_context(), {"id": admin["id"], "sysadmin": True})
    accounts.append(
        (SYSADMIN["name"], SYSADMIN["password"], "administrateur du portail")
    )

    organizations = {}
    for org in collectivites():
        group, created = ensure(
            "organization_show", "organization_create", organization_fields(org)
        )
        group = theme(group, org)
        organizations[org["name"]] = group
        editor_name = f"editeur-{org['name']}"
        editor, _ = ensure(
            "user_show",
            "user_create",
            {
                "name": editor_name,
                "password": EDITOR_PASSWORD,
                "fullname": f"Éditeur — {org['title']}",
                "email": f"{editor_name}@demo.haute-garonne.invalid",
            },
        )
        tk.get_action("organization_member_create")(
            _context(),
            {"id": group["id"], "username": editor["name"], "role": "editor"},
        )
        accounts.append(
            (editor_name, EDITOR_PASSWORD, f"éditeur de « {org['title']} »")
        )
        print(("created " if created else "kept    ") + org["title"])
    return organizations, accounts


def _upload(path: Path) -> FileStorage:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileStorage(path.open("rb"), path.name, content_type=content_type)


def load_datasets(organizations: dict[str, dict[str, Any]]) -> None:
    with (HERE / "datasets.json").open(encoding="utf-8") as f:
        specs = json.load(f)
    for spec in specs:
        data = {
            k: v
            for k, v in spec.items()
            if k not in ("organization", "resources", "tags")
        }
        data["owner_org"] = organizations[spec["organization"]]["id"]
        data["tags"] = [{"name": tag} for tag in spec.get("tags", [])]
        dataset, created = ensure("package_show", "package_create", data)
        for resource in spec["resources"]:
            if "table" in resource:
                # Checked on each run: rows go in once, the file is made once.
                load_table(dataset, resource, spec["organization"])
        if created:
            for resource in spec["resources"]:
                if "table" in resource:
                    continue
                path = FILES / resource["file"]
                context = _context()
                if resource.get("faulty"):
                    # Saved anyway, then validated by the worker like a large
                    # file: its report shows what publishers will see.
                    context["haute_garonne_defer_validation"] = True
                tk.get_action("resource_create")(
                    context,
                    {
                        **{
                            k: v
                            for k, v in resource.items()
                            if k not in ("file", "faulty")
                        },
                        "package_id": dataset["id"],
                        "url": path.name,
                        "format": path.suffix.lstrip(".").upper(),
                        "upload": _upload(path),
                    },
                )
        print(
            ("created " if created else "kept    ")
            + f"  {spec['type']}: {spec['title']}"
        )


def load_table(dataset: dict[str, Any], spec: dict[str, Any], org_name: str) -> None:
    """An online table ("Saisir en ligne") of the dataset, with the rows of
    ``spec["table"]`` typed in by the collectivité's editor through
    ``datastore_upsert`` (checked as a publisher's rows are), then its
    published file made. Idempotent: an existing table keeps its rows, and
    its file is made again only when it has none yet."""
    from ckanext.haute_garonne.entry import publish

    editor = {"user": f"editeur-{org_name}", "ignore_auth": False}
    tables = [r for r in dataset.get("resources", []) if publish.is_table(r)]
    if tables:
        table = tables[0]
    else:
        table = tk.get_action("resource_create")(
            dict(editor),
            {
                "package_id": dataset["id"],
                "name": spec["name"],
                "description": spec["description"],
                "url_type": publish.TABLE,
            },
        )
    found = tk.get_action("datastore_search")(
        _context(), {"resource_id": table["id"], "limit": 0}
    )
    added = 0
    if not found["total"]:
        with (FILES / spec["table"]).open(encoding="utf-8") as f:
            records = json.load(f)
        tk.get_action("datastore_upsert")(
            dict(editor),
            {"resource_id": table["id"], "method": "insert", "records": records},
        )
        added = len(records)
    if added or "/scdl/" not in (table.get("url") or ""):
        # The demo's workers would make it too, once started: made here so
        # that consolidation, below, and the first page already have it.
        status = publish.publish_resource(table["id"])
        print(f"published {spec['name']}: {added} row(s) added, file {status}")


def consolidate() -> None:
    """The Département's consolidated files of the tabular standards the demo
    publishes (the worker rebuilds them whenever a file is validated)."""
    from ckanext.haute_garonne.socle import jobs

    for standard in ("deliberations", "subventions", "equipements", "prenoms", "bal"):
        report = jobs.consolidate(standard)
        if report.get("problem"):
            print(f"consolidation {standard}: {report['problem']}")
        else:
            print(
                f"consolidated {standard}: {report['rows']} rows from "
                f"{report['files']} file(s), {len(report['left_out'])} left out"
            )


def main() -> None:
    app = make_app(load_config(os.environ["CKAN_INI"]))
    with app._wsgi_app.test_request_context():
        organizations, accounts = load_users_and_organizations()
        load_datasets(organizations)
        consolidate()
    print("\nComptes de démonstration (identifiant / mot de passe):")
    for name, password, role in accounts:
        print(f"  {name:34} {password:18} {role}")


if __name__ == "__main__":
    main()
