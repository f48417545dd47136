"""Benchmarks of the département's view (issue 7): one function per benchmark.

``consolidation``
    Merges N generated subventions files (SCDL 2.1.1) of R rows each with
    ``ckanext.haute_garonne.socle.consolidation.merge.merge`` (the pure part of the
    consolidation job: read each file as the engine does, map its columns,
    neutralise formulas, write the consolidated and the provenance files row
    by row), and, as the baseline measured in the same run, a bare copy of
    the same rows with ``csv.reader``/``csv.writer`` to one file. Each
    measurement runs in a fresh process; the peak RSS is that process's
    (``RUSAGE_CHILDREN`` read by a parent that ran only it), so the figures
    for 10 and 100 files show whether memory stays flat in the number of
    files. Not timed here: fetching each file from CKAN's storage and
    uploading the result (file copies, linear in the size).

``overview``
    Wipes the *test* portal (test.ini, services up, CKAN_* variables as
    ``make test`` sets them), onboards the shipped 603 collectivités, creates
    5,000 SCDL datasets with a validation report each, then times the
    overview page (kept rows, and right after a change), its CSV export, a
    filtered page and a detail page through CKAN's test client, against
    CKAN's own /dataset/ page in the same run.

Usage::

    python bench/overview.py                          # 10 and 100 files of 10 000 rows
    python bench/overview.py --files 10 100 --rows 10000
    python bench/overview.py --files --overview-datasets 5000   # overview only
    python bench/overview.py --files --keep    # overview only, portal already filled

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _generators():
    """bench/validation.py's data generators (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_validation", Path(__file__).with_name("validation.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Consolidation ---------------------------------------------------------------

CONSOLIDATION_TOOLS = ("merge", "csv-copy")


def run_consolidation(tool: str, folder: str, files: int) -> dict[str, object]:
    """One measurement, in the current (fresh) process."""
    paths = sorted(Path(folder).glob("subventions-*.csv"))[:files]
    out = Path(folder) / "out"
    out.mkdir(exist_ok=True)
    if tool == "merge":
        from ckanext.haute_garonne.socle.consolidation.merge import merge
        from ckanext.haute_garonne.standards.registry import get_standard
        from ckanext.haute_garonne.types import ConsolidationSource

        version = get_standard("subventions").latest
        sources = (
            ConsolidationSource(
                path=str(p),
                filename=p.name,
                label=p.stem,
                collectivite=f"Collectivité {i}",
                siren="213104581",
                dataset_url=f"https://example.org/subventions/{p.stem}",
                resource_url=f"https://example.org/subventions/{p.stem}/resource/1",
                date="2026-01-01T00:00:00",
            )
            for i, p in enumerate(paths)
        )
        started = time.perf_counter()
        with (
            (out / "data.csv").open("w", encoding="utf-8", newline="") as data,
            (out / "provenance.csv").open("w", encoding="utf-8", newline="") as prov,
        ):
            merged = merge(sources, version, data, prov)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "rows": merged.rows, "files": merged.files}
    if tool == "csv-copy":
        started = time.perf_counter()
        rows = 0
        with (out / "copy.csv").open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            for i, path in enumerate(paths):
                with path.open(encoding="utf-8", newline="") as source:
                    records = csv.reader(source)
                    header = next(records)
                    if i == 0:
                        writer.writerow(header)
                    for record in records:
                        writer.writerow(record)
                        rows += 1
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "rows": rows, "files": len(paths)}
    raise ValueError(tool)


def _measure(argv: list[str]) -> dict[str, object]:
    """Run ``--run argv`` in a child process; add the child's peak RSS."""
    child = subprocess.run(
        [sys.executable, __file__, "--run", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def _measure_in_fresh_process(argv: list[str]) -> dict[str, object]:
    child = subprocess.run(
        [sys.executable, __file__, "--measure", *argv],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def bench_consolidation(file_counts: list[int], rows: int) -> list[str]:
    """Table lines: time and peak RSS of merging N files, against a bare
    csv copy of the same rows."""
    generate = _generators().generate_subventions
    lines = [
        "| files | rows | tool | seconds | rows/s | time vs csv-copy | peak RSS MB |",
        "|---:|---:|---|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="hg-bench-overview-") as folder:
        started = time.perf_counter()
        for i in range(max(file_counts)):
            generate(Path(folder) / f"subventions-{i:04d}.csv", rows, seed=i)
        print(
            f"generated {max(file_counts)} files of {rows} rows in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        for count in file_counts:
            results = {
                tool: _measure_in_fresh_process(
                    ["consolidation", tool, folder, str(count)]
                )
                for tool in CONSOLIDATION_TOOLS
            }
            baseline = float(results["csv-copy"]["seconds"])
            for tool, result in results.items():
                print(f"  {count} files, {tool}: {result}", file=sys.stderr)
                seconds = float(result["seconds"])
                lines.append(
                    f"| {count} | {int(result['rows']):,} | {tool} | {seconds:.2f} | "
                    f"{int(result['rows']) / seconds:,.0f} | "
                    f"{seconds / baseline:.1f}x | {float(result['rss_mb']):.0f} |"
                )
    return lines


# Overview page -----------------------------------------------------------------

OVERVIEW_TYPES = (
    "deliberations",
    "subventions",
    "marches",
    "adresses",
    "equipements",
    "prenoms",
)
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


def _fill_portal(datasets: int) -> dict[str, float]:
    """Wipe the *test* portal; onboard the shipped 603 collectivités; create
    ``datasets`` SCDL datasets with one linked file each, spread over them,
    and a validation report for most files (valid, some invalid)."""
    import datetime as dt
    import uuid

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib import search

    from ckanext.haute_garonne.collectivites import onboarding
    from ckanext.haute_garonne.model import ResourceValidation

    timings = {}
    model.repo.delete_all()
    search.clear_all()
    started = time.perf_counter()
    onboarding.onboard(ROOT / "ckanext/haute_garonne/data/collectivites-31.csv")
    timings["onboarding 603 collectivités"] = time.perf_counter() - started
    orgs = [
        g.id for g in model.Session.query(model.Group).filter_by(is_organization=True)
    ]
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.config["ckan.search.solr_commit"] = False
    started = time.perf_counter()
    frequencies = ("ANNUAL", "MONTHLY", "QUARTERLY", "IRREG")
    for n in range(datasets):
        dataset_type = OVERVIEW_TYPES[n % len(OVERVIEW_TYPES)]
        created = tk.get_action("package_create")(
            {"user": site_user["name"], "haute_garonne_defer_validation": True},
            {
                "type": dataset_type,
                "name": f"jeu-{n}",
                "title": f"Jeu de données {n}",
                "notes": "Données publiées par la collectivité.",
                "owner_org": orgs[(n * 7) % len(orgs)],
                "frequency": FREQUENCY + frequencies[n % len(frequencies)],
                "resources": [{"url": f"https://data.example/{dataset_type}-{n}.csv"}],
            },
        )
        resource = created["resources"][0]
        status = "invalid" if n % 11 == 0 else "valid"
        model.Session.add(
            ResourceValidation(
                resource_id=resource["id"],
                package_id=created["id"],
                file_hash=uuid.uuid4().hex,
                standard=dataset_type,
                version="1",
                status=status,
                error_count=0 if status == "valid" else 3,
                created=dt.datetime.now(dt.timezone.utc),
            )
        )
        if n % 500 == 499:
            model.Session.commit()
            print(
                f"  {n + 1} datasets ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
            )
    model.Session.commit()
    search.commit()
    tk.config["ckan.search.solr_commit"] = True
    from ckan.lib import jobs

    jobs.get_queue().empty()
    timings[f"creating {datasets} datasets"] = time.perf_counter() - started
    return timings


def bench_overview(datasets: int, runs: int, keep: bool = False) -> list[str]:
    """The overview page and its CSV export against CKAN's own dataset search
    page, measured in the same run (best of ``runs``); ``keep``: time the
    portal as it is (filled by a previous run)."""
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    timings = {}
    if not keep:
        with app._wsgi_app.test_request_context():
            timings = _fill_portal(datasets)
    client = app._wsgi_app.test_client()
    pages = {
        "CKAN's /dataset/ (baseline)": "/dataset/",
        "overview page /socle-commun": "/socle-commun",
        "overview page right after a change (rows built again)": "/socle-commun",
        "overview CSV /socle-commun.csv": "/socle-commun.csv",
        "overview, filtered (kind=commune&state=late)": "/socle-commun?kind=commune&state=late",
        "one collectivité's detail": "/socle-commun/roques",
        "home page / (key figures kept)": "/",
    }
    from ckanext.haute_garonne.socle import overview_cache

    best = {}
    for label, url in pages.items():
        times = []
        for _ in range(runs):
            if "after a change" in label:  # what a socle/ subscriber does
                with app._wsgi_app.test_request_context():
                    overview_cache.forget()
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        best[label] = min(times)
    # The home page's key figures: computed (a change), or only checked.
    import datetime as dt

    from ckanext.haute_garonne.socle import figures

    with app._wsgi_app.test_request_context():
        for label, step in (
            ("home figures computed (after a change)", figures.compute),
            ("home figures checked (fingerprint only)", figures.fingerprint),
        ):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                step(dt.date.today())
                times.append(time.perf_counter() - started)
            best[label] = min(times)
    base = best["CKAN's /dataset/ (baseline)"]
    lines = [
        f"Portal: 603 collectivités, {datasets} SCDL datasets; best of {runs} runs",
        "",
        "| step | seconds |",
        "|---|---:|",
        *(f"| {k} | {v:.1f} |" for k, v in timings.items()),
        "",
        "| page | seconds | vs /dataset/ |",
        "|---|---:|---:|",
        *(f"| {k} | {v:.3f} | {v / base:.1f} |" for k, v in best.items()),
    ]
    return lines


RUNNERS = {"consolidation": run_consolidation}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="*", type=int, default=[10, 100])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--overview-datasets", type=int, default=5000,
        help="datasets for the overview benchmark (0: skip it; it wipes the test portal)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true",
        help="time the overview on the portal a previous run filled",
    )  # fmt: skip
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        name, tool, folder, count = args.run
        print(json.dumps(RUNNERS[name](tool, folder, int(count))))
        return 0
    if args.measure:
        print(json.dumps(_measure(args.measure)))
        return 0
    if args.files:
        print("\n".join(bench_consolidation(sorted(args.files), args.rows)))
    if args.overview_datasets:
        print()
        print("\n".join(bench_overview(args.overview_datasets, args.runs, args.keep)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
