"""Benchmark of the DCAT catalogue: our profile against stock DCAT-AP 3.

Fills the *test* portal (the database, Solr core and storage of test.ini,
wiped first) with 2,000 datasets of every type spread over 20 collectivités,
each with one file that passed its validation (so public, in the feeds),
then times in the same run, for each of three catalogues:

- ``stock``: ckanext-dcat's own catalogue action (``dcat_catalog_show`` as
  ckanext-dcat defines it, without the chain the portal puts on it) with its
  ``euro_dcat_ap_3`` profile and rdflib's Turtle writer, the baseline;
- ``ours, stock profile``: the portal's catalogue action (public view,
  collectivités' identities, Hydra paging, its Turtle writer) with
  ``euro_dcat_ap_3`` alone, to show what the profile itself costs;
- ``ours``: the portal's feed, ``euro_dcat_ap_3 haute_garonne``.

Each one: a catalogue page of 100 datasets (``page``: median of several
runs) and the full walk of every page, as a harvester does (``walk``: best
of ``--walks``, the three taking turns). The target is a ratio of at most
1.1 for the full walk of ours against stock's.

Usage (the services of `make test` must run; pass their ports)::

    CKAN_SQLALCHEMY_URL=postgresql://ckan_default:pass@127.0.0.1:5432/ckan_test \\
    CKAN_SOLR_URL=http://127.0.0.1:8983/solr/ckan_test \\
    CKAN_REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venvs/ckan-2.12/bin/python bench/dcat.py [--datasets 2000] [--runs 5] [--walks 3] [--keep]

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _stock(data_dict: dict) -> str:
    """ckanext-dcat's own function, not the action of that name the portal
    chains."""
    from ckanext.dcat import logic

    return logic.dcat_catalog_show({}, data_dict)


def _ours(data_dict: dict) -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("haute_garonne_dcat_catalog_show")({}, data_dict)


# name: (what is called, the call, profiles)
CATALOGUES = {
    "stock": ("ckanext.dcat dcat_catalog_show", _stock, ["euro_dcat_ap_3"]),
    "ours, stock profile": (
        "haute_garonne_dcat_catalog_show",
        _ours,
        ["euro_dcat_ap_3"],
    ),
    "ours": (
        "haute_garonne_dcat_catalog_show",
        _ours,
        ["euro_dcat_ap_3", "haute_garonne"],
    ),
}
TYPES = ("dataset", "deliberations", "subventions", "marches", "adresses", "prenoms")
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


def _app():
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ROOT / "test.ini")))


def fill(count: int) -> None:
    """Wipe the test portal and create ``count`` datasets with one file."""
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib import search

    model.repo.delete_all()
    search.clear_all()
    # Real communes: the organisation form checks INSEE codes and SIRENs.
    with (ROOT / "ckanext/haute_garonne/data/collectivites-31.csv").open(
        encoding="utf-8"
    ) as f:
        communes = [r for r in csv.DictReader(f) if r["kind"] == "commune"][:20]
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    orgs = []
    for n, commune in enumerate(communes):
        orgs.append(
            tk.get_action("organization_create")(
                {"user": site_user["name"]},
                {
                    "name": f"commune-{n}",
                    "title": commune["title"],
                    "kind": "commune",
                    "siren": commune["siren"],
                    "insee": commune["insee"],
                },
            )
        )
    tk.config["ckan.search.solr_commit"] = False
    started = time.perf_counter()
    for n in range(count):
        dataset_type = TYPES[n % len(TYPES)]
        tk.get_action("package_create")(
            # The demo loader's flag: save the files, validate them later.
            {"user": site_user["name"], "haute_garonne_defer_validation": True},
            {
                "type": dataset_type,
                "name": f"jeu-{n}",
                "title": f"Jeu de données {n}",
                "notes": "Données publiées par la collectivité.",
                "owner_org": orgs[n % len(orgs)]["id"],
                "frequency": ANNUAL,
                "tag_string": "bench,scdl",
                "resources": [
                    {
                        "url": f"https://data.example/{dataset_type}-{n}.csv",
                        "name": f"Fichier {n}",
                        "format": "CSV",
                    }
                ],
            },
        )
        if n % 200 == 199:
            print(
                f"  {n + 1} datasets ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    # The validations queued by the loader are not run (the files are links
    # to a host that does not exist): their files get the valid verdict a
    # job would give, so that the feeds carry them, as they carry the files
    # of a portal in use. Without it only the generic datasets' files would
    # be public, and the catalogue would be a sixth of its size.
    from ckan.lib import jobs

    from ckanext.haute_garonne.model import VALID, ResourceValidation

    jobs.get_queue().empty()
    for row in model.Session.query(ResourceValidation):
        row.file_hash = f"bench:{row.resource_id}"
        row.status = VALID
        row.report = {"status": VALID, "errors": [], "error_counts": {}}
        row.finished = row.created
    model.Session.commit()
    search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    tk.config["ckan.search.solr_commit"] = True


def _page(catalogue: str, page: int) -> str:
    _label, call, profiles = CATALOGUES[catalogue]
    return call({"format": "ttl", "page": page, "profiles": profiles})


def _walk(catalogue: str, pages: int) -> None:
    for page in range(1, pages + 1):
        _page(catalogue, page)


def _pages() -> int:
    import ckan.plugins.toolkit as tk

    found = tk.get_action("package_search")({}, {"rows": 0})
    return max(1, -(-found["count"] // 100))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--walks", type=int, default=3, help="full walks of each, best counts"
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the datasets already there"
    )
    args = parser.parse_args(argv)

    app = _app()
    with app._wsgi_app.test_request_context():
        if not args.keep:
            fill(args.datasets)
        pages = _pages()
        results: dict[str, dict[str, float]] = {}
        for name in CATALOGUES:
            _page(name, 1)  # warm up: imports, schemas, caches
        for name in CATALOGUES:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                _page(name, 1)
                times.append(time.perf_counter() - started)
            results[name] = {"page": statistics.median(times), "walk": float("inf")}
        # The walks take turns, so that a busy machine slows them alike; the
        # best of each counts.
        for _ in range(args.walks):
            for name in CATALOGUES:
                started = time.perf_counter()
                _walk(name, pages)
                walk = time.perf_counter() - started
                results[name]["walk"] = min(results[name]["walk"], walk)
    lines = [
        f"{args.datasets} datasets, 100 per page ({pages} pages), Turtle; page = "
        f"median of {args.runs} runs, full walk = best of {args.walks} "
        "(taking turns)",
        "",
        "| catalogue | action | profiles | one page (s) | full walk (s) "
        "| page ratio | walk ratio |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    stock = results["stock"]
    for name, result in results.items():
        action, _call, profiles = CATALOGUES[name]
        lines.append(
            f"| {name} | {action} | {' '.join(profiles)} | {result['page']:.2f} | "
            f"{result['walk']:.1f} | {result['page'] / stock['page']:.2f}x | "
            f"{result['walk'] / stock['walk']:.2f}x |"
        )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
