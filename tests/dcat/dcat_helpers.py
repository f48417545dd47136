"""What the DCAT tests share: collectivités, SCDL datasets with real files,
parsing a feed and checking it against the DCAT-AP 3.0.0 SHACL shapes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"

# Dataset type -> (sample file, expected dct:conformsTo of the file)
SCDL_FILES = {
    "deliberations": (
        "deliberations/2.1.5/valid.csv",
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json",
    ),
    "subventions": (
        "subventions/2.1.1/valid.csv",
        "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
    ),
    "marches": (
        "decp-json/2.0.2/valid.json",
        "https://schema.data.gouv.fr/schemas/139bercy/format-commande-publique/2.0.2/schema_decp_v2.0.2.json",
    ),
    "adresses": (
        "bal/1.5/valid.csv",
        "https://schema.data.gouv.fr/schemas/etalab/schema-bal/1.5.0/schema.yml",
    ),
    "equipements": (
        "equipements/0.1.5/valid.csv",
        "https://schema.data.gouv.fr/schemas/scdl/equipements/0.1.5/schema.json",
    ),
    "prenoms": (
        "prenoms/1.1.6/valid.csv",
        "https://schema.data.gouv.fr/schemas/scdl/prenoms/1.1.6/schema.json",
    ),
}

SHAPES_ENV = "HG_DCAT_AP_SHAPES"
# The consolidated DCAT-AP 3.0.0 shapes (mandatory and recommended
# properties, cardinalities, ranges), as SEMIC publishes them.
SHAPES_FILE = "3.0.0/shacl/dcat-ap-SHACL.ttl"


def collectivite(**kwargs: Any) -> dict[str, Any]:
    """An organisation with a collectivité's identity (Roques by default)."""
    kwargs.setdefault("kind", "commune")
    kwargs.setdefault("siren", "213104581")
    kwargs.setdefault("insee", "31458")
    return factories.Organization(**kwargs)


def scdl_dataset(
    create_with_upload: Any, org: dict[str, Any], dataset_type: str, **kwargs: Any
) -> dict[str, Any]:
    """A dataset of an SCDL type with one valid file uploaded."""
    path, _ = SCDL_FILES[dataset_type]
    dataset = call_action(
        "package_create",
        type=dataset_type,
        name=kwargs.pop("name", f"{dataset_type}-{org['name']}"),
        title=kwargs.pop("title", f"{dataset_type.title()} de {org['title']}"),
        notes=kwargs.pop("notes", "Données du socle commun."),
        owner_org=org["id"],
        **kwargs,
    )
    create_with_upload(
        (DATA / path).read_bytes(),
        Path(path).name,
        package_id=dataset["id"],
        name=f"Fichier {dataset_type}",
        description="Le fichier publié.",
    )
    return call_action("package_show", id=dataset["id"])


def parse(body: str | bytes, fmt: str = "turtle") -> Graph:
    graph = Graph()
    graph.parse(data=body, format=fmt)
    return graph


def shapes_path() -> Path:
    """The DCAT-AP 3.0.0 shapes, from $HG_DCAT_AP_SHAPES (which `make test`
    sets to ../shared/reference/dcat-ap)."""
    folder = os.environ.get(SHAPES_ENV)
    if not folder:
        pytest.fail(
            f"{SHAPES_ENV} is not set: point it at the folder of the SEMIC "
            "DCAT-AP SHACL shapes (make test sets it to ../shared/reference/dcat-ap)."
        )
    path = Path(folder) / SHAPES_FILE
    if not path.is_file():
        pytest.fail(f"{SHAPES_ENV}={folder}: no {SHAPES_FILE} there.")
    return path


_shapes: dict[Path, Graph] = {}


def shacl_violations(graph: Graph) -> list[str]:
    """The SHACL violations of a graph (warnings and infos left out)."""
    from pyshacl import validate
    from rdflib.namespace import SH

    path = shapes_path()
    if path not in _shapes:
        _shapes[path] = Graph().parse(path, format="turtle")
    _, results, _ = validate(
        graph,
        shacl_graph=_shapes[path],
        inference="none",
        allow_warnings=True,
    )
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        violations.append(
            " | ".join(
                f"{p.split('#')[-1]}={o}"
                for p, o in results.predicate_objects(result)
                if p
                in (
                    SH.focusNode,
                    SH.resultPath,
                    SH.resultMessage,
                    SH.value,
                )
            )
        )
    return violations
