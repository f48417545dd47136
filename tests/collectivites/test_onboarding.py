"""Bulk onboarding of collectivités: `ckan haute-garonne onboard FILE`."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from support import valid_siren

from ckan import model
from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.collectivites.onboarding import (
    SHIPPED_FILE,
    onboard,
    slug_for,
)

HEADER = "siren,insee,title,kind,population,epci_siren\n"


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "collectivites.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def _organisations() -> dict[str, dict]:
    names = call_action("organization_list", limit=1000)
    return {name: call_action("organization_show", id=name) for name in names}


def test_the_shipped_file_has_the_586_communes_and_17_epci_of_haute_garonne():
    with SHIPPED_FILE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    kinds = [r["kind"] for r in rows]
    assert len(rows) == 603
    assert kinds.count("commune") == 586
    assert len([k for k in kinds if k != "commune"]) == 17
    by_insee = {r["insee"]: r for r in rows if r["kind"] == "commune"}
    # Communes carry their EPCI's SIREN, EPCI their members' INSEE codes.
    assert by_insee["31555"]["siren"] == "213105554"
    assert by_insee["31555"]["epci_siren"] == "243100518"
    sicoval = next(r for r in rows if r["siren"] == "243100633")
    assert sicoval["title"] == "CA du Sicoval"
    assert sicoval["kind"] == "communaute_agglomeration"
    assert "31458" not in sicoval["insee"].split()
    assert len(sicoval["insee"].split()) == 36
    assert all(len(r["siren"]) == 9 for r in rows)


@pytest.mark.parametrize(
    ("title", "kind", "slug"),
    [
        ("Roques", "commune", "roques"),
        ("L'Isle-en-Dodon", "commune", "l-isle-en-dodon"),
        ("CA du Sicoval", "communaute_agglomeration", "sicoval"),
        ("CC des Terres du Lauragais", "communaute_communes", "terres-du-lauragais"),
        ("CC Val'Aïgo", "communaute_communes", "val-aigo"),
        ("Toulouse Métropole", "metropole", "toulouse-metropole"),
        ("CA Le Muretain Agglo", "communaute_agglomeration", "le-muretain-agglo"),
    ],
)
def test_names_are_derived_from_the_official_name(title, kind, slug):
    assert slug_for(title, kind) == slug


@pytest.mark.usefixtures("clean_db")
def test_onboarding_the_shipped_file_creates_603_collectivites_then_changes_nothing():
    started = time.perf_counter()
    first = onboard(SHIPPED_FILE)
    elapsed = time.perf_counter() - started
    print(f"onboarding 603 collectivités took {elapsed:.1f} s")
    assert [line.reasons for line in first.lines if line.status == "refused"] == []
    assert first.count("created") == 603

    count = (
        model.Session.query(model.Group)
        .filter_by(is_organization=True, state="active")
        .count()
    )
    assert count == 603
    roques = call_action("organization_show", id="roques")
    assert roques["siren"] == "213104581"
    assert roques["insee"] == "31458"
    assert roques["population"] == 5436
    assert roques["epci_siren"] == "200068641"
    sicoval = call_action("organization_show", id="sicoval")
    assert sicoval["kind"] == "communaute_agglomeration"
    assert len(sicoval["insee"].split()) == 36

    second = onboard(SHIPPED_FILE)
    assert second.count("unchanged") == 603
    assert len(second.lines) == 603


@pytest.mark.usefixtures("clean_db")
def test_updates_change_only_the_cells_given(tmp_path, roques):
    # Roques exists (population 5436); the file changes its population and
    # EPCI, and leaves its name empty: the name stays.
    path = _write(tmp_path, "213104581,31458,,,5500,200068641\n")
    report = onboard(path)
    (line,) = report.lines
    assert line.status == "updated"
    assert line.name == "roques"
    assert set(line.changed) == {"population", "epci_siren"}
    after = call_action("organization_show", id="roques")
    assert after["population"] == 5500
    assert after["epci_siren"] == "200068641"
    assert after["title"] == "Roques"
    assert onboard(path).lines[0].status == "unchanged"


@pytest.mark.usefixtures("clean_db")
def test_refused_lines_create_nothing_and_say_why(tmp_path, roques):
    path = _write(
        tmp_path,
        "\n".join(
            [
                "213104466,31446,Ramonville-Saint-Agne,commune,15158,243100633",
                "213104582,31113,Castanet-Tolosan,commune,14000,",  # bad check digit
                f"{valid_siren()},99999,Nulle-Part,commune,10,",  # no such commune
                "213102544,31254,Labège,village,4000,",  # unknown kind
                "213104466,31446,Ramonville-Saint-Agne,commune,15158,243100633",
                ",31113,,,,",  # INSEE code only: completed from the shipped file
                f"{valid_siren()},31458,Roques bis,commune,10,",  # Roques' commune code
                "200068641,,,communaute_agglomeration,,",  # no name for a new one
            ]
        )
        + "\n",
    )
    before = set(call_action("organization_list"))
    report = onboard(path)
    by_line = {line.line: line for line in report.lines}
    assert by_line[2].status == "created"
    assert by_line[2].name == "ramonville-saint-agne"
    assert by_line[3].status == "refused"
    assert "SIREN" in by_line[3].reasons[0]
    assert by_line[4].status == "refused"
    assert by_line[4].reasons[0].startswith("insee:")
    assert "99999" in by_line[4].reasons[0]
    assert by_line[5].status == "refused"
    assert "village" in by_line[5].reasons[0]
    assert by_line[6].status == "refused"
    assert "2" in by_line[6].reasons[0]  # the same as line 2
    assert by_line[7].status == "created"
    assert by_line[7].name == "castanet-tolosan"
    assert by_line[7].siren == "213101132"
    assert by_line[8].status == "refused"
    assert "Roques" in by_line[8].reasons[0]
    assert by_line[9].status == "refused"
    after = set(call_action("organization_list"))
    assert after - before == {"ramonville-saint-agne", "castanet-tolosan"}
    castanet = call_action("organization_show", id="castanet-tolosan")
    assert castanet["title"] == "Castanet-Tolosan"
    assert castanet["siren"] == "213101132"


@pytest.mark.usefixtures("clean_db")
def test_a_dry_run_checks_every_line_and_changes_nothing(tmp_path, roques):
    path = _write(
        tmp_path,
        "213104581,31458,,,6000,\n"
        "213104466,31446,Ramonville-Saint-Agne,commune,15158,243100633\n"
        f"{valid_siren()},99999,Nulle-Part,commune,10,\n",
    )
    report = onboard(path, dry_run=True)
    assert report.dry_run
    assert [line.status for line in report.lines] == ["updated", "created", "refused"]
    assert "99999" in report.lines[2].reasons[0]
    assert call_action("organization_list") == ["roques"]
    assert call_action("organization_show", id="roques")["population"] == 5436


@pytest.mark.usefixtures("clean_db")
def test_a_taken_name_gets_the_insee_code(tmp_path, make_collectivite):
    make_collectivite(name="roques", title="Autre Roques", kind="syndicat")
    path = _write(tmp_path, "213104581,31458,Roques,commune,5436,\n")
    (line,) = onboard(path).lines
    assert line.status == "created"
    assert line.name == "roques-31458"


@pytest.mark.usefixtures("clean_db")
def test_the_command_prints_the_report_and_fails_on_refused_lines(tmp_path, cli):
    path = _write(
        tmp_path,
        "213104581,31458,Roques,commune,5436,\n213104582,31113,X,commune,1,\n",
    )
    result = cli.invoke(ckan, ["haute-garonne", "onboard", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "roques" in result.output
    assert "SIREN" in result.output
    assert call_action("organization_list") == []

    missing = cli.invoke(ckan, ["haute-garonne", "onboard", str(tmp_path / "no.csv")])
    assert missing.exit_code == 1
    assert "Traceback" not in missing.output
    assert "no.csv" in missing.output

    bad = _write(tmp_path, "", header="commune,habitants\n")
    result = cli.invoke(ckan, ["haute-garonne", "onboard", str(bad)])
    assert result.exit_code == 1
    assert "commune" in result.output
    assert "Traceback" not in result.output
