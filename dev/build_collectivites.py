"""Build ckanext/haute_garonne/data/collectivites-31.csv, the onboarding file
of every commune and EPCI of Haute-Garonne, from the national territory files
(see ../shared/data/territory/SOURCES.md):

- ``communes.csv`` (INSEE COG): the 586 communes of the département (TYPECOM
  COM, DEP 31) and their official names;
- ``donnees_communes.csv`` (INSEE populations légales): their population
  (population municipale);
- ``epcicom.xlsx`` (DGCL): the 17 EPCI whose seat is in the département
  (name, nature, SIREN, population municipale, member communes, including
  those of neighbouring départements) and the SIREN of every commune with the
  SIREN of its EPCI;
- ``banatic_siren_insee.xlsx`` (DGCL): the SIREN of communes that belong to
  no EPCI (none today in Haute-Garonne), and a cross-check of the others.

The columns are those ``ckan haute-garonne onboard`` reads (see the README):
EPCI first, then communes by INSEE code. Run it again when those files change:

    .venvs/ckan-2.12/bin/python dev/build_collectivites.py [../shared/data/territory]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import openpyxl
from stdnum.fr import siren as siren_check

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "territory"
TARGET = ROOT / "ckanext" / "haute_garonne" / "data" / "collectivites-31.csv"
DEPARTMENT_CODE = "31"
COLUMNS = ["siren", "insee", "title", "kind", "population", "epci_siren"]
KINDS = {
    "CA": "communaute_agglomeration",
    "CC": "communaute_communes",
    "METRO": "metropole",
}


def _sheet(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def build(territory: Path, target: Path = TARGET) -> tuple[int, int]:
    with (territory / "communes.csv").open(encoding="utf-8", newline="") as f:
        names = {
            r["COM"]: r["LIBELLE"]
            for r in csv.DictReader(f)
            if r["TYPECOM"] == "COM" and r["DEP"] == DEPARTMENT_CODE
        }
    with (territory / "donnees_communes.csv").open(encoding="utf-8", newline="") as f:
        population = {
            r["COM"]: int(r["PMUN"])
            for r in csv.DictReader(f, delimiter=";")
            if r["COM"] in names
        }
    members = _sheet(territory / "epcicom.xlsx")
    banatic = {
        str(r["insee"]): str(r["siren"])
        for r in _sheet(territory / "banatic_siren_insee.xlsx")
        if r["dep_com"] == DEPARTMENT_CODE
    }

    epci: dict[str, dict[str, object]] = {}
    commune_epci: dict[str, str] = {}
    commune_siren: dict[str, str] = {}
    for m in members:
        siren = str(m["siren"])
        if m["dept"] == DEPARTMENT_CODE:
            found = epci.setdefault(
                siren,
                {
                    "siren": siren,
                    "insee": [],
                    "title": m["raison_sociale"],
                    "kind": KINDS[str(m["nature_juridique"])],
                    "population": m["total_pop_mun"],
                    "epci_siren": "",
                },
            )
            found["insee"].append(str(m["insee"]))  # type: ignore[union-attr]
        if m["insee"] in names:
            commune_epci[str(m["insee"])] = siren
            commune_siren[str(m["insee"])] = str(m["siren_membre"])

    rows = []
    for found in sorted(epci.values(), key=lambda e: str(e["title"]).lower()):
        found["insee"] = " ".join(sorted(found["insee"]))  # type: ignore[arg-type]
        rows.append(found)
    for insee in sorted(names):
        siren = commune_siren.get(insee) or banatic[insee]
        if insee in banatic and banatic[insee] != siren:
            raise ValueError(f"{insee}: SIREN {siren} (DGCL) != {banatic[insee]}")
        rows.append(
            {
                "siren": siren,
                "insee": insee,
                "title": names[insee],
                "kind": "commune",
                "population": population[insee],
                "epci_siren": commune_epci.get(insee, ""),
            }
        )
    for row in rows:
        siren_check.validate(str(row["siren"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(names), len(epci)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    communes, epcis = build(source)
    print(
        f"{TARGET.relative_to(ROOT)}: {communes} communes and {epcis} EPCI "
        f"({communes + epcis} collectivités)"
    )
