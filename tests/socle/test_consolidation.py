"""Department-wide consolidation: the valid public files of a standard, from
every collectivité, merged into one file published by the Département."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan.cli.cli import ckan
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.socle import jobs
from ckanext.haute_garonne.socle.consolidation.merge import (
    PROVENANCE_COLUMNS,
    merge,
    neutralise,
)
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import ConsolidationSource
from ckanext.haute_garonne.uploads import files
from ckanext.haute_garonne.uploads import jobs as upload_jobs
from ckanext.haute_garonne.validation import validate

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
HEADER, FIRST = VALID.splitlines()[:2]
COLUMNS = HEADER.split(",")
SUBVENTIONS = registry.get_standard("subventions").latest


def _ramonville() -> str:
    """Two grants of Ramonville, one with text a spreadsheet would run as a
    formula, and a negative amount (a reimbursement) that must stay a
    number."""
    first = FIRST.replace("Commune de Roques", "Commune de Ramonville-Saint-Agne")
    formula = first.replace(
        "Fonctionnement de l'école de tennis pour la saison 2024", "=1+1"
    ).replace(",2400,", ",-12.5,")
    at = first.replace("Tennis Roques Olympic Club", "@Club de Ramonville")
    return "\n".join([HEADER, formula, at]) + "\n"


def _source(path: Path, who: str) -> ConsolidationSource:
    return ConsolidationSource(
        path=str(path),
        filename=path.name,
        label=who,
        collectivite=who,
        siren="213104581",
        dataset_url=f"http://test/subventions/{who}",
        resource_url=f"http://test/subventions/{who}/resource/1",
        date="2026-01-02T03:04:05",
    )


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


# The pure merge --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+ de 50 adhérents", "'+ de 50 adhérents"),
        ("-remise", "'-remise"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("-12.5", None),
        ("+33", None),
        ("1e5", None),
        ("Fonctionnement", None),
        ("", None),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value, expected):
    assert neutralise(value) == expected


def test_typed_and_constrained_fields_are_never_mangled():
    from ckanext.haute_garonne.validation.compile import compiled

    subventions = compiled(SUBVENTIONS.path).by_name
    assert neutralise("-12.5", subventions["montant"]) is None
    assert neutralise("=1+1", subventions["objet"]) == "'=1+1"
    # An apostrophe would break the BAL's pattern of coordinates: a value
    # the standard's rule allows is a number anyway.
    bal = compiled(registry.get_standard("bal").latest.path).by_name
    assert neutralise("-1.5", bal["x"]) is None
    # Past the 256 characters objet allows, an apostrophe in front would make
    # the file invalid: it takes the place of the "=" instead.
    assert neutralise("=" + "a" * 255, subventions["objet"]) == "'" + "a" * 255


def test_merging_keeps_the_standard_columns_and_adds_provenance_apart(tmp_path):
    roques = tmp_path / "roques.csv"
    roques.write_text(VALID, encoding="utf-8")
    # Ramonville's file as Excel writes it: Windows-1252, semicolons, columns
    # in another order and an optional column missing. Still valid.
    rows = _rows(_ramonville())
    order = [c for c in reversed(COLUMNS) if c != "dispositifAide"]
    ramonville = tmp_path / "ramonville.csv"
    with ramonville.open("w", encoding="cp1252", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=order, delimiter=";", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
    assert validate(ramonville, "subventions").valid

    data, provenance = tmp_path / "out.csv", tmp_path / "out-provenance.csv"
    with (
        data.open("w", encoding="utf-8", newline="") as d,
        provenance.open("w", encoding="utf-8", newline="") as p,
    ):
        merged = merge(
            [_source(roques, "Roques"), _source(ramonville, "Ramonville")],
            SUBVENTIONS,
            d,
            p,
        )
    expected_rows = len(VALID.splitlines()) - 1 + 2
    assert (merged.files, merged.rows, merged.neutralised) == (2, expected_rows, 2)

    report = validate(data, "subventions")
    assert report.valid, report.errors[:3]
    assert report.rows == expected_rows
    assert report.encoding == "utf-8"
    text = data.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    out = _rows(text)
    assert {r["nomAttribuant"] for r in out} >= {
        "Commune de Roques",
        "Commune de Ramonville-Saint-Agne",
    }
    formula = next(r for r in out if r["montant"] == "-12.5")
    assert formula["objet"] == "'=1+1"
    assert any(r["nomBeneficiaire"] == "'@Club de Ramonville" for r in out)

    with_provenance = _rows(provenance.read_text(encoding="utf-8"))
    assert list(with_provenance[0]) == [*COLUMNS, *PROVENANCE_COLUMNS]
    assert [r["source_collectivite"] for r in with_provenance].count("Ramonville") == 2
    assert with_provenance[-1]["source_date"] == "2026-01-02T03:04:05"


def test_a_file_that_cannot_be_read_is_left_out_whole(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(VALID, encoding="utf-8")
    # Readable at first, broken half-way (an unclosed quote runs to the end
    # of the file, past the field size limit).
    broken = tmp_path / "broken.csv"
    broken.write_bytes((VALID + '"' + "x" * (11 * 1024 * 1024)).encode())
    failures = []
    data, provenance = io.StringIO(), io.StringIO()
    with (
        (tmp_path / "d.csv").open("w+", newline="") as d,
        (tmp_path / "p.csv").open("w+", newline="") as p,
    ):
        merged = merge(
            [_source(broken, "Broken"), _source(good, "Good")],
            SUBVENTIONS,
            d,
            p,
            on_failure=lambda source, why: failures.append(source.label),
        )
        d.seek(0)
        data.write(d.read())
        p.seek(0)
        provenance.write(p.read())
    assert failures == ["Broken"]
    assert merged.files == 1
    assert len(_rows(data.getvalue())) == len(VALID.splitlines()) - 1
    assert "Broken" not in provenance.getvalue()


# On the portal ---------------------------------------------------------------


def _upload(dataset: dict[str, Any], body: str, **context: Any) -> dict[str, Any]:
    return call_action(
        "resource_create",
        context=context or None,
        package_id=dataset["id"],
        name="Subventions 2024",
        upload=FileStorage(
            io.BytesIO(body.encode("utf-8")), "subventions.csv", "text/csv"
        ),
    )


def _subventions(organisation: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return call_action(
        "package_create",
        type="subventions",
        name=f"subventions-{organisation['name']}",
        title=f"Subventions de {organisation['title']}",
        notes="Subventions aux associations.",
        owner_org=organisation["id"],
        **kwargs,
    )


def _stored(resource: dict[str, Any]) -> str:
    with files.fetched_stored(resource) as fetched:
        return fetched.path.read_text(encoding="utf-8")


@pytest.fixture
def departement(make_collectivite):
    return make_collectivite(
        name="departement-haute-garonne",
        title="Département de la Haute-Garonne",
        kind="departement",
        insee="31",
    )


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_consolidating_subventions_publishes_a_valid_file_of_the_departement(
    roques, departement, make_collectivite
):
    ramonville = make_collectivite(
        name="ramonville-saint-agne", title="Ramonville-Saint-Agne", insee="31446"
    )
    labege = make_collectivite(name="labege", title="Labège", insee="31254")
    castanet = make_collectivite(name="castanet", title="Castanet-Tolosan")
    _upload(_subventions(roques), VALID)
    _upload(_subventions(ramonville), _ramonville())
    # Labège's file does not follow the standard (saved for a background
    # check, which finds it invalid); Castanet's dataset is private.
    bad = _upload(
        _subventions(labege),
        VALID.replace("2024-04-11", "11/04/2024"),
        haute_garonne_defer_validation=True,
    )
    assert upload_jobs.validate_resource(bad["id"]) == "invalid"
    _upload(_subventions(castanet, private=True), VALID)

    report = jobs.consolidate("subventions")

    assert report["problem"] is None
    assert report["dataset"] == "consolidation-subventions"
    assert report["files"] == 2
    assert report["rows"] == len(VALID.splitlines()) - 1 + 2
    assert report["neutralised"] == 2
    left_out = {
        (left["label"].split(" — ")[0], left["reason"]) for left in report["left_out"]
    }
    assert left_out == {("Labège", "invalid"), ("Castanet-Tolosan", "private")}

    dataset = call_action("package_show", id="consolidation-subventions")
    assert dataset["owner_org"] == departement["id"]
    assert not dataset["private"]
    files = {r["url"].rsplit("/", 1)[-1]: r for r in dataset["resources"]}
    assert set(files) == {"subventions-2.1.1.csv", "subventions-2.1.1-provenance.csv"}
    consolidated = files["subventions-2.1.1.csv"]
    # The portal validated it like any SCDL file: it follows the standard.
    validation = call_action(
        "haute_garonne_validation_show", resource_id=consolidated["id"]
    )
    assert validation["status"] == "valid"
    assert validation["version"] == "2.1.1"
    rows = _rows(_stored(consolidated))
    assert {r["nomAttribuant"] for r in rows} >= {
        "Commune de Roques",
        "Commune de Ramonville-Saint-Agne",
    }
    provenance = _rows(_stored(files["subventions-2.1.1-provenance.csv"]))
    assert {(r["source_collectivite"], r["source_siren"]) for r in provenance} == {
        ("Roques", "213104581"),
        ("Ramonville-Saint-Agne", ramonville["siren"]),
    }
    assert all(
        r["source_jeu_de_donnees"].endswith("/subventions/subventions-roques")
        for r in provenance
        if r["source_collectivite"] == "Roques"
    )
    assert all(r["source_ressource"] and r["source_date"] for r in provenance)
    # The public description names neither the hidden (invalid) file nor
    # the private one, nor counts them.
    assert "Labège" not in consolidated["description"]
    assert "Castanet" not in consolidated["description"]
    assert "public" not in consolidated["description"]

    # Run again (Labège fixed its file, say): the same two files are updated,
    # not duplicated, and the consolidated files are no source of their own.
    again = jobs.consolidate("subventions")
    assert again["files"] == 2
    dataset = call_action("package_show", id="consolidation-subventions")
    assert len(dataset["resources"]) == 2


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_new_valid_file_queues_one_rebuild(roques, departement):
    dataset = _subventions(roques)
    _upload(dataset, VALID)
    _upload(dataset, VALID.replace("DEL-2024-013", "DEL-2024-014"))
    queued = [
        j["title"]
        for j in call_action("job_list")
        if j["title"].startswith("haute_garonne consolidation")
    ]
    assert queued == ["haute_garonne consolidation subventions 2.1.1"]

    # The worker an operator runs publishes it, in the portal's language.
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ckan")), "-c", ini, "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "raised an exception" not in result.stderr, result.stderr[-2000:]
    published = call_action("package_show", id="consolidation-subventions")
    assert published["title"] == (
        "Subventions : toutes les collectivités de la Haute-Garonne"
    )
    assert len(_rows(_stored(published["resources"][0]))) == 2 * (
        len(VALID.splitlines()) - 1
    )


def _published_files(name: str = "consolidation-subventions") -> dict[str, Any]:
    dataset = call_action("package_show", id=name)
    return {
        r["url"].rsplit("/", 1)[-1]: (r["id"], r["last_modified"], r["description"])
        for r in dataset["resources"]
    }


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_rebuild_that_changes_nothing_for_the_public_publishes_nothing(
    roques, departement, make_collectivite
):
    _upload(_subventions(roques), VALID)
    first = jobs.consolidate("subventions")
    assert not first["unchanged"] and first["files"] == 1

    published = _published_files()

    # A private dataset gets a valid file, then another, and is edited: that
    # queues no rebuild, and a rebuild finds nothing the public would read
    # differently.
    call_action("job_clear")
    castanet = make_collectivite(name="castanet", title="Castanet-Tolosan")
    hidden = _subventions(castanet, private=True)
    _upload(hidden, VALID)
    _upload(hidden, VALID.replace("DEL-2024-013", "DEL-2024-014"))
    call_action("package_patch", id=hidden["id"], title="Aides de Castanet")
    assert [j for j in call_action("job_list") if "consolidation" in j["title"]] == []
    again = jobs.consolidate("subventions")
    assert again["unchanged"] and again["files"] == 1
    assert again["dataset"] == "consolidation-subventions"
    assert _published_files() == published

    # A new public file: merged and published again, in the same resources.
    ramonville = make_collectivite(
        name="ramonville-saint-agne", title="Ramonville-Saint-Agne", insee="31446"
    )
    _upload(_subventions(ramonville), _ramonville())
    third = jobs.consolidate("subventions")
    assert not third["unchanged"] and third["files"] == 2
    now = _published_files()
    assert {name: ids[0] for name, ids in now.items()} == {
        name: ids[0] for name, ids in published.items()
    }
    assert all(now[name][1] != published[name][1] for name in now)
    rows = _rows(
        _stored(call_action("resource_show", id=now["subventions-2.1.1.csv"][0]))
    )
    assert len(rows) == len(VALID.splitlines()) - 1 + 2

    # The public file withdrawn (its dataset made private): that queues a
    # rebuild, which publishes again without it.
    call_action("job_clear")
    call_action("package_patch", id="subventions-ramonville-saint-agne", private=True)
    assert [j["title"] for j in call_action("job_list")] == [
        "haute_garonne consolidation subventions 2.1.1"
    ]
    fourth = jobs.consolidate("subventions")
    assert not fourth["unchanged"] and fourth["files"] == 1

    # The consolidated files deleted by hand: made again.
    for resource_id, _, _ in _published_files().values():
        call_action("resource_delete", id=resource_id)
    assert not jobs.consolidate("subventions")["unchanged"]
    assert set(_published_files()) == set(published)


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_without_a_departement_nothing_is_queued(roques):
    _upload(_subventions(roques), VALID)
    assert [j for j in call_action("job_list") if "consolidation" in j["title"]] == []


@pytest.mark.usefixtures("clean_db")
def test_the_command_explains_what_it_cannot_do(cli, roques):
    unknown = cli.invoke(ckan, ["haute-garonne", "consolidate", "budget"])
    assert unknown.exit_code == 1
    assert "budget" in unknown.output
    assert "subventions" in unknown.output  # the standards it knows
    json_standard = cli.invoke(ckan, ["haute-garonne", "consolidate", "decp"])
    assert json_standard.exit_code == 1
    nobody = cli.invoke(ckan, ["haute-garonne", "consolidate", "subventions"])
    assert nobody.exit_code == 1
    for result in (unknown, json_standard, nobody):
        assert "Traceback" not in result.output


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_command_prints_the_report(cli, roques, departement):
    _upload(_subventions(roques), VALID)
    result = cli.invoke(ckan, ["haute-garonne", "consolidate", "subventions"])
    assert result.exit_code == 0, result.output
    assert "consolidation-subventions" in result.output
