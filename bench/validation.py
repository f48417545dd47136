"""Benchmark of the validation engine against frictionless and a bare CSV pass.

Generates realistic subventions (SCDL 2.1.1) and BAL (1.5) CSV files of the
requested sizes in a temporary folder (deleted afterwards), then times, for
each file:

- ``ours``: ``ckanext.haute_garonne.validation.validate`` with every check
  (Table Schema, custom checks, INSEE codes);
- ``frictionless``: ``Resource(...).validate()`` of the same file and schema
  (what ``frictionless validate`` runs);
- ``csv``: a bare ``csv.reader`` pass that only counts the rows.

Each measurement runs in a fresh process, itself started by a fresh
"measure" process that reads ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``
once its only child has exited: the peak RSS is that of one tool on one
file. The time is the one of the validation call (imports excluded).

Usage::

    python bench/validation.py                       # 100 000 and 1 000 000 rows
    python bench/validation.py --sizes 100000        # chosen sizes
    python bench/validation.py --quick               # no frictionless on 1M rows

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOOLS = ("ours", "frictionless", "csv")
SCHEMAS = {
    "subventions": "table/subventions/2.1.1/schema.json",
    "bal": "table/bal/1.5/schema.json",
}


# Data ------------------------------------------------------------------------


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def _siret(rng: random.Random) -> str:
    siren = f"{rng.randrange(10**7, 10**8)}"
    siren += _luhn_digit(siren)
    body = siren + f"{rng.randrange(1, 10000):04d}"
    return body + _luhn_digit(body)


def _header(standard: str) -> list[str]:
    """The columns of the standard's schema, in its order (the order of the
    values of the generated rows)."""
    from ckanext.haute_garonne.standards.registry import load_descriptor

    return [field["name"] for field in load_descriptor(SCHEMAS[standard])["fields"]]


def generate_subventions(path: Path, rows: int, seed: int = 31) -> None:
    rng = random.Random(seed)
    granting = [
        ("Commune de Roques", "21310458100011"),
        ("Département de la Haute-Garonne", _siret(rng)),
        ("Sicoval", _siret(rng)),
        ("Commune de Castanet-Tolosan", _siret(rng)),
    ]
    beneficiaries = []
    for k in range(5000):
        siret = _siret(rng) if rng.random() < 0.7 else ""
        rna = (
            f"W31{rng.randrange(10**6, 10**7)}"
            if not siret or rng.random() < 0.3
            else ""
        )
        beneficiaries.append((f"Association n° {k} de la Haute-Garonne", siret, rna))
    purposes = [
        "Fonctionnement de l'association pour la saison",
        "Organisation du festival d'été",
        "Achat de matériel sportif",
        "Projet éducatif auprès des écoles",
        "Aide aux activités culturelles et de loisirs",
        "Soutien à l'emploi d'un animateur",
        "Rénovation des locaux associatifs",
    ]
    natures = ["aide en numéraire"] * 8 + [
        "aide en nature",
        "aide en numéraire;aide en nature",
    ]
    start = date(2023, 1, 1)
    header = _header("subventions")
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        for i in range(rows):
            name, siret = granting[i % len(granting)]
            day = start + timedelta(days=rng.randrange(900))
            beneficiary = beneficiaries[rng.randrange(len(beneficiaries))]
            paid = day + timedelta(days=rng.randrange(1, 60))
            period = (
                paid.isoformat()
                if rng.random() < 0.6
                else f"{date(paid.year, 1, 1).isoformat()}/{date(paid.year, 12, 31).isoformat()}"
            )
            writer.writerow(
                [
                    name,
                    siret,
                    day.isoformat(),
                    f"DEL-{day.year}-{i % 997:03d}",
                    beneficiary[0],
                    beneficiary[1],
                    beneficiary[2],
                    f"{rng.choice(purposes)} {day.year} (dossier {i})",
                    f"{rng.randrange(100, 250000)}.{rng.randrange(100):02d}",
                    rng.choice(natures),
                    "unique" if rng.random() < 0.7 else "échelonné",
                    period,
                    "" if rng.random() < 0.9 else f"R{rng.randrange(1000, 9999)}",
                    "non" if rng.random() < 0.95 else "oui",
                    "1" if rng.random() < 0.8 else f"0.{rng.randrange(10, 99)}",
                    ""
                    if rng.random() < 0.7
                    else "Fonds départemental d'aide aux associations",
                ]
            )


BAL_COMMUNES = [
    ("31458", "Roques"),
    ("31113", "Castanet-Tolosan"),
    ("31157", "Escalquens"),
    ("31254", "Labège"),
    ("31446", "Ramonville-Saint-Agne"),
    ("31555", "Toulouse"),
    ("31069", "Blagnac"),
    ("31149", "Colomiers"),
    ("31395", "Muret"),
    ("31483", "Saint-Gaudens"),
]
STREET_KINDS = ["Rue", "Avenue", "Chemin", "Impasse", "Allée", "Place", "Route"]
STREET_NAMES = [
    "des Écoles",
    "de la Mairie",
    "du Lauragais",
    "Jean Jaurès",
    "des Pyrénées",
    "de la Garonne",
    "du Canal",
    "Victor Hugo",
    "des Tilleuls",
    "de l'Église",
]


def generate_bal(path: Path, rows: int, seed: int = 31) -> None:
    """A BAL 1.5 of several communes: a fixed set of communes and streets
    (as in a real département-wide file, the number of streets does not grow
    with the number of address points)."""
    rng = random.Random(seed)
    streets = []
    for insee, name in BAL_COMMUNES:
        commune_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        for kind in STREET_KINDS:
            for street in STREET_NAMES:
                for part in range(3):
                    streets.append(
                        (
                            insee,
                            name,
                            commune_id,
                            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            f"{kind} {street}" + (f" {part + 1}" if part else ""),
                            574000 + rng.random() * 20000,
                            6270000 + rng.random() * 20000,
                        )
                    )
    positions = ["entrée"] * 6 + [
        "bâtiment",
        "délivrance postale",
        "parcelle",
        "cage d\u2019escalier",
    ]
    header = _header("bal")
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        for i in range(rows):
            insee, name, commune_id, street_id, street, x0, y0 = streets[
                i % len(streets)
            ]
            number = 1 + (i // len(streets)) % 99999
            x = x0 + rng.random() * 300
            y = y0 + rng.random() * 300
            parcel = f"{insee[:2]}0{insee[2:]}000{rng.choice('ABCDEZ')}{rng.choice('ABCDEZ')}{rng.randrange(1, 9999):04d}"
            writer.writerow(
                [
                    commune_id,
                    street_id,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    insee,
                    name,
                    "",
                    "",
                    street,
                    "",
                    number,
                    "" if rng.random() < 0.9 else rng.choice(["bis", "ter", "a"]),
                    rng.choice(positions),
                    f"{x:.2f}",
                    f"{y:.2f}",
                    f"{1.2 + (x - 574000) / 80000:.7f}",
                    f"{43.4 + (y - 6270000) / 111000:.7f}",
                    parcel if rng.random() < 0.8 else "",
                    "commune de " + name,
                    (date(2024, 1, 1) + timedelta(days=rng.randrange(600))).isoformat(),
                    "1" if rng.random() < 0.9 else "0",
                ]
            )


GENERATORS = {"subventions": generate_subventions, "bal": generate_bal}


# Workers (run in a fresh process) ------------------------------------------------


def run_tool(tool: str, path: str, standard: str) -> dict[str, object]:
    if tool == "ours":
        from ckanext.haute_garonne.validation import validate

        started = time.perf_counter()
        report = validate(path, standard)
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "rows": report.rows,
            "status": report.status,
            "errors": sum(report.error_counts.values()),
        }
    if tool == "frictionless":
        from frictionless import Dialect, Resource, Schema

        from ckanext.haute_garonne.standards.registry import load_descriptor

        descriptor = load_descriptor(SCHEMAS[standard])
        schema = Schema.from_descriptor(dict(descriptor))
        dialect = Dialect.from_descriptor(dict(descriptor.get("dialect") or {}))
        started = time.perf_counter()
        report = Resource(
            Path(path).name,
            basepath=str(Path(path).parent),
            schema=schema,
            dialect=dialect,
            format="csv",
            encoding="utf-8",
        ).validate()
        seconds = time.perf_counter() - started
        task = report.tasks[0]
        return {
            "seconds": seconds,
            "rows": task.stats.get("rows"),
            "status": "valid" if report.valid else "invalid",
            "errors": task.stats.get("errors"),
        }
    if tool == "csv":
        delimiter = ";" if standard == "bal" else ","
        started = time.perf_counter()
        with open(path, encoding="utf-8", newline="") as stream:
            rows = sum(1 for _ in csv.reader(stream, delimiter=delimiter)) - 1
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "rows": rows, "status": "-", "errors": 0}
    raise ValueError(tool)


def measure(tool: str, path: str, standard: str) -> dict[str, object]:
    """Run one tool in a child process; add the child's peak RSS."""
    child = subprocess.run(
        [sys.executable, __file__, "--run", tool, path, standard],
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


def measure_in_fresh_process(tool: str, path: Path, standard: str) -> dict[str, object]:
    child = subprocess.run(
        [sys.executable, __file__, "--measure", tool, str(path), standard],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


# Main --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--standards", nargs="+", default=list(GENERATORS))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="skip frictionless on files over 100 000 rows",
    )
    parser.add_argument(
        "--run", nargs=3, metavar=("TOOL", "FILE", "STANDARD"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--measure",
        nargs=3,
        metavar=("TOOL", "FILE", "STANDARD"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_tool(*args.run)))
        return 0
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0

    lines = [
        "| file | rows | tool | seconds | rows/s | ratio to frictionless | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="hg-bench-") as folder:
        for standard in args.standards:
            for size in args.sizes:
                path = Path(folder) / f"{standard}-{size}.csv"
                started = time.perf_counter()
                GENERATORS[standard](path, size)
                print(
                    f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in "
                    f"{time.perf_counter() - started:.1f} s",
                    file=sys.stderr,
                )
                results: dict[str, dict[str, object]] = {}
                for tool in TOOLS:
                    if tool == "frictionless" and args.quick and size > 100_000:
                        continue
                    results[tool] = measure_in_fresh_process(tool, path, standard)
                    print(f"  {tool}: {results[tool]}", file=sys.stderr)
                    path_rate = float(results[tool]["rows"] or 0) / float(
                        results[tool]["seconds"]
                    )
                    results[tool]["rate"] = path_rate
                reference = results.get("frictionless", {}).get("rate")
                for tool, result in results.items():
                    rate = float(result["rate"])
                    ratio = f"{rate / float(reference):.1f}x" if reference else "n/a"
                    lines.append(
                        f"| {path.name} | {result['rows']:,} | {tool} | "
                        f"{float(result['seconds']):.2f} | {rate:,.0f} | {ratio} | "
                        f"{float(result['rss_mb']):.0f} |"
                    )
                path.unlink()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
