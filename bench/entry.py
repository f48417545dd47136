"""Benchmark of online tables (Saisie en ligne, issue 14).

Fills the *test* portal (the databases, DataStore, Solr core and storage of
test.ini; it creates its own collectivité and datasets, and wipes nothing
else) with an online subventions table (a Table Designer resource, typed
columns, its validation trigger) and a plain DataStore table with the same
columns, then measures in the same run:

``row``
    Adding one row through our path (``datastore_upsert`` on the online
    table: our chained check of the row with the engine, Table Designer's
    trigger, then our subscriber to CKAN's ``action_succeeded``, which dates
    the table and queues the making of its file once) against CKAN's plain
    ``datastore_upsert`` on the plain table: median and 95th percentile of
    ``--calls`` calls each, interleaved. The target is a median ratio of at
    most 1.5.

``file``
    Producing the published file (``entry.publish.write_csv``: PostgreSQL's
    COPY of the standard's columns, streamed to a temporary file) for 5,000
    and 50,000 rows, against CKAN's own CSV dump of the same table
    (``/datastore/dump/<id>``, paged by 32,000 rows) in the same run; each
    in a fresh process, whose peak RSS growth while producing is reported,
    so that the two sizes show memory flat in the number of rows. Then the
    whole publishing job (``publish_resource``: the file, its validation by
    our engine in the sandbox, its storage and report).

Usage (the services of `make test` must run, with the DataStore; pass their
ports)::

    CKAN_SQLALCHEMY_URL=postgresql://ckan_default:pass@127.0.0.1:5432/ckan_test \\
    CKAN_DATASTORE_WRITE_URL=postgresql://ckan_default:pass@127.0.0.1:5432/datastore_test \\
    CKAN_DATASTORE_READ_URL=postgresql://datastore_default:pass@127.0.0.1:5432/datastore_test \\
    CKAN_SOLR_URL=http://127.0.0.1:8983/solr/ckan_test \\
    CKAN_REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venvs/ckan-2.12/bin/python bench/entry.py [--calls 300] [--rows 5000 50000]

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
TYPES = {
    "dateConvention": ("date", "date"),
    "montant": ("numeric", "numeric"),
    "pourcentageSubvention": ("numeric", "numeric"),
    "notificationUE": ("boolean", "boolean"),
}
BATCH = 5000


def _app() -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ROOT / "test.ini")))


def _row(n: int) -> dict[str, Any]:
    return {
        "nomAttribuant": "Commune de Roques",
        "idAttribuant": "21310458100011",
        "dateConvention": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "referenceDecision": f"DEL-2024-{n:06d}",
        "nomBeneficiaire": f"Association sportive n° {n}",
        "idBeneficiaire": "44137080600016",
        "objet": "Fonctionnement de l'association, saison 2024",
        "montant": f"{100 + n % 9000}.50",
        "nature": "aide en numéraire",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2024-05-15",
        "notificationUE": n % 2 == 0,
        "pourcentageSubvention": "1",
    }


def _fields(tabledesigner: bool) -> list[dict[str, Any]]:
    from ckanext.haute_garonne.standards.registry import get_standard, load_descriptor

    version = get_standard("subventions").latest  # type: ignore[union-attr]
    fields = []
    for f in load_descriptor(version.path)["fields"]:
        tdtype, pg_type = TYPES.get(f["name"], ("text", "text"))
        field = {"id": f["name"], "type": pg_type}
        if tabledesigner:
            field.update(tdtype=tdtype, tdpkreq="")
        fields.append(field)
    return fields


def fill() -> dict[str, str]:
    """A collectivité, a subventions dataset with an online table and a
    plain DataStore table; their ids."""
    from stdnum import luhn

    import ckan.plugins.toolkit as tk

    from ckanext.tabledesigner.datastore import create_table

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"]}
    tag = uuid.uuid4().hex[:8]
    base = str(10_000_000 + int(tag, 16) % 80_000_000)
    org = tk.get_action("organization_create")(
        dict(context),
        {"name": f"bench-{tag}", "title": "Banc d'essai", "kind": "commune",
         "siren": base + luhn.calc_check_digit(base)},
    )  # fmt: skip
    dataset = tk.get_action("package_create")(
        dict(context),
        {"type": "subventions", "name": f"subventions-{tag}",
         "title": "Subventions (banc)", "notes": "Banc d'essai.",
         "owner_org": org["id"], "frequency": ANNUAL},
    )  # fmt: skip
    online = tk.get_action("resource_create")(
        dict(context),
        {"package_id": dataset["id"], "name": "Saisie en ligne",
         "url_type": "tabledesigner", "url": "http://test.ckan.net/table"},
    )  # fmt: skip
    create_table(online["id"], _fields(True), dict(context))
    plain = tk.get_action("resource_create")(
        {**context, "haute_garonne_defer_validation": True},  # not fetched
        {"package_id": dataset["id"], "name": "Table simple",
         "url": "http://test.ckan.net/plain", "format": "CSV"},
    )  # fmt: skip
    tk.get_action("datastore_create")(
        dict(context),
        {"resource_id": plain["id"], "fields": _fields(False), "force": True},
    )
    return {"online": online["id"], "plain": plain["id"], "user": site_user["name"]}


def _upsert(user: str, resource_id: str, rows: list[dict[str, Any]]) -> None:
    import ckan.plugins.toolkit as tk

    tk.get_action("datastore_upsert")(
        {"user": user},
        {"resource_id": resource_id, "method": "insert", "records": rows,
         # A plain table with a URL is read-only unless forced.
         "force": True},
    )  # fmt: skip


def bench_row(ids: dict[str, str], calls: int) -> list[str]:
    times: dict[str, list[float]] = {"plain": [], "online": []}
    for n in range(calls + 10):
        for kind in ("plain", "online"):
            started = time.perf_counter()
            _upsert(ids["user"], ids[kind], [_row(n)])
            if n >= 10:  # warm-up calls left out
                times[kind].append(time.perf_counter() - started)
    base = statistics.median(times["plain"])
    lines = [
        f"Adding one row ({calls} calls each, interleaved)",
        "",
        "| path | median (ms) | p95 (ms) | median ratio |",
        "|---|---:|---:|---:|",
    ]
    for kind, label in (
        ("plain", "CKAN's datastore_upsert, plain table (baseline)"),
        ("online", "our path: datastore_upsert on the online table"),
    ):
        found = sorted(times[kind])
        p95 = found[int(0.95 * (len(found) - 1))]
        median = statistics.median(found)
        lines.append(
            f"| {label} | {median * 1000:.1f} | {p95 * 1000:.1f} | {median / base:.2f} |"
        )
    return lines


def _fill_rows(ids: dict[str, str], total: int) -> None:
    """Bring the online table to ``total`` rows."""
    import ckan.plugins.toolkit as tk

    for kind in ("online",):
        have = tk.get_action("datastore_search")(
            {"user": ids["user"]}, {"resource_id": ids[kind], "limit": 0}
        )["total"]
        for start in range(have, total, BATCH):
            _upsert(
                ids["user"],
                ids[kind],
                [_row(n) for n in range(start, min(total, start + BATCH))],
            )


def run_file(tool: str, resource_id: str) -> dict[str, Any]:
    """One measurement, in the current (fresh) process."""
    app = _app()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk

        from ckanext.haute_garonne.entry import publish
        from ckanext.haute_garonne.standards.registry import get_standard

        version = get_standard("subventions").latest  # type: ignore[union-attr]
        started = time.perf_counter()
        size = 0
        if tool == "ours":
            with tempfile.NamedTemporaryFile() as out:
                publish.write_csv(resource_id, version, out)
                size = out.tell()
        elif tool == "dump":
            client = app._wsgi_app.test_client()
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
            token = tk.get_action("api_token_create")(
                {"user": site_user["name"]},
                {"user": site_user["name"], "name": "bench"},
            )["token"]
            with tempfile.NamedTemporaryFile() as out:
                response = client.get(
                    f"/datastore/dump/{resource_id}?format=csv",
                    headers={"Authorization": token},
                    buffered=False,
                )
                for chunk in response.iter_encoded():
                    out.write(chunk)
                size = out.tell()
        elif tool == "job":
            status = publish.publish_resource(resource_id)
            assert status == "valid", status
        seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "growth_mb": (after - before) / 1024, "bytes": size}


def _fresh(tool: str, resource_id: str) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, __file__, "--run", tool, resource_id],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-3000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def bench_file(ids: dict[str, str], sizes: list[int]) -> list[str]:
    lines = [
        "Producing the published file (fresh process each; RSS growth while producing)",
        "",
        "| rows | what | seconds | ratio | RSS growth (MB) | size (MB) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for total in sizes:
        _fill_rows(ids, total)
        dump = _fresh("dump", ids["online"])
        ours = _fresh("ours", ids["online"])
        job = _fresh("job", ids["online"])
        for label, found in (
            ("CKAN's /datastore/dump CSV (baseline)", dump),
            ("our file (write_csv: COPY of the standard's columns)", ours),
            ("whole job: file + engine validation + storage + report", job),
        ):
            lines.append(
                f"| {total} | {label} | {found['seconds']:.2f} | "
                f"{found['seconds'] / dump['seconds']:.2f} | {found['growth_mb']:.1f} | "
                f"{found['bytes'] / 1e6:.1f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rows", nargs="*", type=int, default=[5000, 50000])
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_file(*args.run)))
        return 0
    app = _app()
    with app._wsgi_app.test_request_context():
        ids = fill()
        print("\n".join(bench_row(ids, args.calls)))
        print()
        from ckan.lib import jobs

        jobs.get_queue().empty()
        print("\n".join(bench_file(ids, sorted(args.rows))))
        jobs.get_queue().empty()
    return 0


if __name__ == "__main__":
    sys.exit(main())
