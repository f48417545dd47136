"""Build dev/demo/collectivites.csv from the national territory files.

The demo collectivités are real: names, INSEE codes, SIRENs and populations
come from INSEE's COG and populations légales and from the DGCL's list of
EPCI (files of the découpage-administratif package, see
../shared/data/territory/SOURCES.md). Run it again when those files change:

    .venvs/ckan-2.12/bin/python dev/demo/build_collectivites.py ../shared/data/territory

It needs openpyxl to read the DGCL's spreadsheet.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

import openpyxl
from stdnum.fr import siren as siren_check

DEPARTMENT_CODE = "31"
# The département's own SIREN is in none of the territory files: it comes from
# the SIRENE register (Département de la Haute-Garonne, catégorie juridique
# 7220) and is checked below like every other SIREN.
DEPARTMENT_SIREN = "223100017"
EPCI_SIRENS = ["243100633"]  # CA du Sicoval
EPCI_NAMES = {"243100633": ("sicoval", "Sicoval")}
COMMUNES = ["31458", "31446", "31113", "31254"]  # Roques first: the example
KINDS = {
    "CA": "communaute_agglomeration",
    "CC": "communaute_communes",
    "METRO": "metropole",
}

OUT = Path(__file__).with_name("collectivites.csv")
COLUMNS = ["name", "title", "kind", "siren", "insee", "epci_siren", "population"]


def slugify(title: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_.lower()).split())


def main(territory: Path) -> None:
    with (territory / "departements.csv").open(encoding="utf-8") as f:
        dep = next(r for r in csv.DictReader(f) if r["DEP"] == DEPARTMENT_CODE)
    with (territory / "donnees_communes.csv").open(encoding="utf-8", newline="") as f:
        pop = {
            r["COM"]: int(r["PMUN"])
            for r in csv.DictReader(f, delimiter=";")
            if r["DEP"] == DEPARTMENT_CODE
        }
    with (territory / "communes.csv").open(encoding="utf-8") as f:
        names = {
            r["COM"]: r["LIBELLE"]
            for r in csv.DictReader(f)
            if r["TYPECOM"] == "COM" and r["DEP"] == DEPARTMENT_CODE
        }
    sheet = openpyxl.load_workbook(territory / "epcicom.xlsx", read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    members = [dict(zip(header, r, strict=True)) for r in rows]

    out = [
        {
            "name": slugify(f"departement {dep['NCCENR']}"),
            "title": f"Département de la {dep['NCCENR']}",
            "kind": "departement",
            "siren": DEPARTMENT_SIREN,
            "insee": DEPARTMENT_CODE,
            "epci_siren": "",
            "population": sum(pop.values()),
        }
    ]
    for epci in EPCI_SIRENS:
        first = next(m for m in members if str(m["siren"]) == epci)
        name, title = EPCI_NAMES[epci]
        out.append(
            {
                "name": name,
                "title": title,
                "kind": KINDS[first["nature_juridique"]],
                "siren": epci,
                # An EPCI's territory: the INSEE codes of its member communes.
                "insee": " ".join(
                    sorted(m["insee"] for m in members if str(m["siren"]) == epci)
                ),
                "epci_siren": "",
                "population": first["total_pop_mun"],
            }
        )
    for insee in COMMUNES:
        member = next(m for m in members if m["insee"] == insee)
        out.append(
            {
                "name": slugify(names[insee]),
                "title": names[insee],
                "kind": "commune",
                "siren": str(member["siren_membre"]),
                "insee": insee,
                "epci_siren": str(member["siren"]),
                "population": pop[insee],
            }
        )
    for row in out:
        siren_check.validate(row["siren"])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"wrote {OUT} ({len(out)} collectivités)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/territory"))
