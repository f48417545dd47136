"""Load the demo content into the portal configured by CKAN_INI.

Creates the demo collectivités (dev/demo/collectivites.csv), a sysadmin, one
editor per collectivité and a few datasets with small CSV files. Idempotent:
what already exists is kept as it is. Prints the demo accounts.

    CKAN_INI=.data/demo/ckan.ini .venvs/ckan-2.12/bin/python dev/demo/load.py
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stdnum import luhn
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.cli import load_config
from ckan.config.middleware import make_app

HERE = Path(__file__).parent
SYSADMIN = {
    "name": "admin",
    "password": "Admin-Demo-31",
    "fullname": "Administrateur du portail",
}
EDITOR_PASSWORD = "Editeur-Demo-31"

KIND_LABELS = {
    "departement": "Département",
    "communaute_agglomeration": "Communauté d'agglomération",
    "commune": "Commune",
}

DELIBERATIONS_HEADER = [
    "COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM", "DELIB_OBJET", "BUDGET_ANNEE", "BUDGET_NOM", "PREF_ID",
    "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE",
    "VOTE_ABSTENTION", "DELIB_URL",
]  # fmt: skip
DELIBERATIONS = [
    ("2026-01-27", "7.1", "finances locales/decisions budgetaires", "Vote du budget primitif 2026", "2026"),
    ("2026-01-27", "7.2", "finances locales/fiscalite", "Vote des taux d'imposition 2026", "2026"),
    ("2026-03-10", "8.4", "domaines de competences par themes/amenagement du territoire", "Convention d'aménagement du centre-bourg", ""),
    ("2026-04-14", "9.1", "autres domaines de competences/autres domaines de competences des communes", "Tarifs de la restauration scolaire", ""),
]  # fmt: skip


def siret_of(siren: str) -> str:
    """The first valid SIRET of a SIREN (head office NIC 0001x)."""
    for key in range(10):
        candidate = f"{siren}0001{key}"
        if luhn.is_valid(candidate):
            return candidate
    raise ValueError(siren)


def deliberations_csv(org: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DELIBERATIONS_HEADER)
    for number, (date, code, label, subject, year) in enumerate(DELIBERATIONS, 1):
        writer.writerow([
            org["title"], siret_of(org["siren"]), f"{date[:4]}-{number:03d}", date,
            code, label, subject, year, "Budget principal" if year else "",
            f"031-{org['siren']}-{date.replace('-', '')}-{number:03d}-DE", date,
            23, 21, 19, 1, 1, "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def collectivites() -> Iterator[dict[str, str]]:
    with (HERE / "collectivites.csv").open(encoding="utf-8") as f:
        yield from csv.DictReader(f)


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


def load() -> list[tuple[str, str, str]]:
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

    for org in collectivites():
        extras = [
            {"key": k, "value": str(org[k])}
            for k in ("kind", "siren", "insee", "epci_siren", "population")
            if org[k]
        ]
        description = f"{KIND_LABELS[org['kind']]} — SIREN {org['siren']}"
        group, created = ensure(
            "organization_show",
            "organization_create",
            {
                "name": org["name"],
                "title": org["title"],
                "description": description,
                "extras": extras,
            },
        )
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
        if org["kind"] == "commune":
            load_deliberations(org, group)
        print(("created " if created else "kept    ") + org["title"])
    return accounts


def load_deliberations(org: dict[str, str], group: dict[str, Any]) -> None:
    name = f"deliberations-{org['name']}"
    dataset, created = ensure(
        "package_show",
        "package_create",
        {
            "name": name,
            "title": f"Délibérations du conseil municipal de {org['title']}",
            "notes": (
                f"Délibérations adoptées par le conseil municipal de {org['title']} "
                "depuis janvier 2026, au format du Socle commun des données locales."
            ),
            "owner_org": group["id"],
            "license_id": "odc-odbl",
            "tags": [{"name": "délibérations"}, {"name": "conseil municipal"}],
            "maintainer": f"Mairie de {org['title']}",
        },
    )
    if created or not dataset.get("resources"):
        body = deliberations_csv(org)
        tk.get_action("resource_create")(
            _context(),
            {
                "package_id": dataset["id"],
                "name": "Délibérations 2026",
                "format": "CSV",
                "url": "deliberations-2026.csv",
                "upload": FileStorage(
                    io.BytesIO(body), "deliberations-2026.csv", content_type="text/csv"
                ),
            },
        )


def main() -> None:
    app = make_app(load_config(os.environ["CKAN_INI"]))
    with app._wsgi_app.test_request_context():
        accounts = load()
    print("\nComptes de démonstration (identifiant / mot de passe):")
    for name, password, role in accounts:
        print(f"  {name:34} {password:18} {role}")


if __name__ == "__main__":
    main()
