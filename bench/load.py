"""Load benchmark of the production layout (issue 15), on 127.0.0.1 only.

Against the demo portal served by ``dev/serve`` (nginx, gunicorn, RQ
workers), with a fixed number of requests and a time limit per measurement:

``web``
    A mix of visitors (home page, a collectivité, a dataset, search,
    ``/catalog.ttl``, ``/socle-commun``) and of publishers uploading a valid
    and an invalid subventions file through the API (one request in ten),
    from ``--concurrency`` threads, with 1 then 2 web processes: requests per
    second, median and 95th percentile latency, and the ratio.
``jobs``
    A batch of ``--batch`` background validations (``haute_garonne_validation_run``
    on as many files of ``--batch-rows`` rows) with 1 then 2 job workers,
    ``--rounds`` times in turn. The batch is queued while fresh workers wait,
    suspended (``rq suspend``), then released at once: the time from the
    release to the last report (the reports' own dates), and the ratio of
    the median times. The seconds the requests took to queue it are printed
    apart.
``hostile``
    Visitors alone (``--visitors`` threads), without then while a hostile
    spreadsheet (an XLSX of ``--hostile-rows`` rows, made with openpyxl, the
    file of issue 12 that held the single-process portal for 55 s) is being
    uploaded to an SCDL dataset, again and again until the visitors are done:
    the visitors' latencies, and the ratio of their 95th percentiles.

The layout is rescaled between measurements with ``dev/serve scale`` and put
back to 2 web processes and 2 job workers at the end. The benchmark works in
private datasets of its own in the collectivité ``--organization``, purged
at the end, with API tokens made for the demo accounts by ``ckan user token
add`` (revoked at the end). Run it through ``make bench-load``, which serves
the demo first and sets the CKAN_* variables::

    make bench-load
    make bench-load BENCH_ARGS="--only web --requests 600 --rounds 3"

Only the standard library and requests; threads, bounded loops. Prints
Markdown tables and the load average of the machine at each measurement,
and, at the start and at the end, the machine's own ceiling: the throughput
of 2 processes spinning on pure Python over that of 1 (on a virtual
machine, two processors often give less than twice one).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import ipaddress
import itertools
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PREFIX = "bench-charge"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
FINAL = ("valid", "invalid", "error")


def _generators() -> Any:
    """bench/validation.py's data generators (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_validation", Path(__file__).with_name("validation.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Measuring -------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool


@dataclass
class Run:
    """What one measurement gives."""

    label: str
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def seconds(self) -> list[float]:
        return sorted(s.seconds for s in self.samples)

    @property
    def rps(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    def quantile(self, q: float) -> float:
        values = self.seconds()
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]


Task = tuple[str, Callable[[requests.Session], bool]]


def play(
    label: str,
    plan: list[Task],
    concurrency: int,
    time_limit: float,
    stop: threading.Event | None = None,
) -> Run:
    """Run the plan's tasks from ``concurrency`` threads, each task once, in
    order, until the plan, the time limit or ``stop`` ends it."""
    run = Run(label)
    counter = itertools.count()
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + time_limit

    def worker() -> None:
        session = requests.Session()
        while time.perf_counter() < deadline and not (stop and stop.is_set()):
            with lock:
                i = next(counter)
            if i >= len(plan):
                return
            kind, task = plan[i]
            began = time.perf_counter()
            try:
                ok = task(session)
            except requests.RequestException:
                ok = False
            with lock:
                run.samples.append(Sample(kind, time.perf_counter() - began, ok))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed = time.perf_counter() - start
    run.load = os.getloadavg()
    return run


# The portal ------------------------------------------------------------------


class Portal:
    def __init__(self, url: str, args: argparse.Namespace) -> None:
        self.url = url.rstrip("/")
        self.args = args
        self.tokens: list[str] = []
        self.admin = self._token(args.sysadmin)
        self.publisher = self._token(args.publisher)
        self.http = requests.Session()

    # CKAN's command line, on the demo configuration (CKAN_* variables).
    def _ckan(self, *argv: str) -> str:
        ckan = (
            Path(os.environ.get("HG_VENV_BIN") or Path(sys.executable).parent) / "ckan"
        )
        done = subprocess.run(
            [str(ckan), *argv], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"ckan {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def _token(self, user: str) -> str:
        out = self._ckan("user", "token", "add", user, "bench-load")
        token = out.strip().splitlines()[-1].strip()
        self.tokens.append(token)
        return token

    def action(self, action: str, token: str | None = None, /, **data: Any) -> Any:
        answer = self.http.post(
            f"{self.url}/api/3/action/{action}",
            json=data,
            headers={"Authorization": token or self.admin},
            timeout=300,
        )
        body = answer.json()
        if not body.get("success"):
            raise RuntimeError(f"{action}: {answer.status_code} {body.get('error')}")
        return body["result"]

    def upload(
        self, session: requests.Session, dataset: str, name: str, body: bytes
    ) -> requests.Response:
        kind = (
            "text/csv"
            if name.endswith(".csv")
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return session.post(
            f"{self.url}/api/3/action/resource_create",
            data={"package_id": dataset, "name": name},
            files={"upload": (name, body, kind)},
            headers={"Authorization": self.publisher},
            timeout=300,
        )

    def dataset(self, suffix: str) -> str:
        """A fresh private subventions dataset of the benchmark."""
        name = f"{PREFIX}-{suffix}"
        self.purge(name)
        self.action(
            "package_create",
            self.publisher,
            type="subventions",
            name=name,
            title=f"Banc de charge ({suffix})",
            notes="Jeu de données du banc de charge, supprimé à la fin.",
            owner_org=self.args.organization,
            private=True,
            frequency=ANNUAL,
        )
        return name

    def purge(self, name: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.action("dataset_purge", id=name)

    def cleanup(self) -> None:
        for suffix in ("depot-1", "depot-2", "lot", "hostile"):
            self.purge(f"{PREFIX}-{suffix}")
        # The sysadmin's token last: it revokes the others.
        for token in reversed(self.tokens):
            with contextlib.suppress(RuntimeError, requests.RequestException):
                self.action("api_token_revoke", token=token)


def _command(what: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command of the layout; a failure ends the benchmark."""
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stderr[-2000:]}")


def scale(web: int, jobs: int) -> None:
    """Rescale the running layout (dev/serve scale)."""
    env = {**os.environ, "HG_WEB_WORKERS": str(web), "HG_JOB_WORKERS": str(jobs)}
    _command("dev/serve scale", [str(ROOT / "dev" / "serve"), "scale"], env)


# Plans -------------------------------------------------------------------------


def visits(portal: Portal) -> list[Task]:
    """One visit of each kind of page."""
    org = portal.args.organization
    found = portal.action(
        "package_search", fq=f'organization:"{org}" -name:{PREFIX}*', rows=1
    )["results"]
    if not found:
        raise SystemExit(f"no public dataset in {org}: run `make demo` first")
    dataset = f"/{found[0]['type']}/{found[0]['name']}"
    pages = [
        ("accueil", "/"),
        ("collectivité", f"/organization/{org}"),
        ("jeu de données", dataset),
        ("recherche", "/dataset/?q=subventions"),
        ("catalog.ttl", "/catalog.ttl"),
        ("socle-commun", "/socle-commun"),
    ]

    def visit(path: str) -> Callable[[requests.Session], bool]:
        def task(session: requests.Session) -> bool:
            answer = session.get(portal.url + path, timeout=300)
            return answer.status_code == 200 and len(answer.content) > 0

        return task

    return [(kind, visit(path)) for kind, path in pages]


def publishing(
    portal: Portal, dataset: str, valid: bytes, invalid: bytes
) -> list[Task]:
    def send(body: bytes, expected: int) -> Callable[[requests.Session], bool]:
        def task(session: requests.Session) -> bool:
            answer = portal.upload(session, dataset, "subventions.csv", body)
            return answer.status_code == expected

        return task

    return [("dépôt valide", send(valid, 200)), ("dépôt invalide", send(invalid, 409))]


def mix(visit_tasks: list[Task], publish_tasks: list[Task], n: int) -> list[Task]:
    """n tasks: visitors in turn, and every tenth a publisher's upload."""
    visitors, publishers = itertools.cycle(visit_tasks), itertools.cycle(publish_tasks)
    return [next(publishers) if i % 10 == 9 else next(visitors) for i in range(n)]


# Benchmarks ----------------------------------------------------------------------


def bench_web(
    portal: Portal, args: argparse.Namespace, files: dict[str, bytes]
) -> dict[int, list[Run]]:
    """1 then 2 web processes, ``--rounds`` times in turn (a busy machine
    then weighs on both alike)."""
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for round_ in range(args.rounds):
        for web in (1, 2):
            scale(web, 2)
            dataset = portal.dataset(f"depot-{web}")
            visit_tasks = visits(portal)
            publish_tasks = publishing(
                portal, dataset, files["valid"], files["invalid"]
            )
            # Warm every web process (templates, caches) before measuring.
            warm = (visit_tasks + publish_tasks) * 2 * web
            play("warm-up", warm, 2 * web, args.time_limit)
            plan = mix(visit_tasks, publish_tasks, args.requests)
            label = f"{web} web" + (f", round {round_ + 1}" if args.rounds > 1 else "")
            runs[web].append(play(label, plan, args.concurrency, args.time_limit))
    return runs


def _rps(runs: list[Run]) -> float:
    return sum(len(r.samples) for r in runs) / sum(r.elapsed for r in runs)


def bench_jobs(
    portal: Portal, args: argparse.Namespace, files: dict[str, bytes]
) -> list[tuple[int, float, float, int, tuple[float, float, float]]]:
    """1 then 2 job workers on the same batch, ``--rounds`` times in turn.
    Returns (workers, seconds to queue the batch, seconds from its release
    to the last report, validations done, load average) per run."""
    scale(2, 2)
    dataset = portal.dataset("lot")
    session = requests.Session()
    ids = []
    for i in range(args.batch):
        answer = portal.upload(session, dataset, f"subventions-{i}.csv", files["batch"])
        if answer.status_code != 200:
            raise SystemExit(
                f"upload of batch file {i}: {answer.status_code} {answer.text[:300]}"
            )
        ids.append(answer.json()["result"]["id"])
    results = []
    try:
        for _ in range(args.rounds):
            for jobs in (1, 2):
                results.append(
                    (jobs, *_run_batch(portal, args, ids, jobs), os.getloadavg())
                )
    finally:
        _workers("resume")
    scale(2, 2)
    return results


def _workers(command: str) -> None:
    """Suspend or resume the job workers (RQ's ``rq suspend``, through
    Redis): a worker started while they are suspended takes no job."""
    rq = Path(os.environ.get("HG_VENV_BIN") or Path(sys.executable).parent) / "rq"
    url = os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6379/0")
    _command(f"rq {command}", [str(rq), command, "--url", url])


def _run_batch(
    portal: Portal, args: argparse.Namespace, ids: list[str], jobs: int
) -> tuple[float, float, int]:
    """Queue a validation of every file while ``jobs`` fresh workers wait,
    suspended, then release them all at once and wait for the reports.

    Returns the seconds the requests took to queue the batch, the seconds
    from the release to the last report (NaN past the time limit), and how
    many reports came. Queueing first keeps the web processes' work out of
    the workers' measurement (it would weigh on 2 workers, who share the
    processors with it, and not on 1, who leaves a processor idle). The
    portal is asked about the reports only once no validation waits in the
    queue, and then only about those still missing."""
    scale(2, 0)
    _workers("suspend")
    scale(2, jobs)
    queueing = time.monotonic()
    for resource_id in ids:
        portal.action(
            "haute_garonne_validation_run", portal.publisher, resource_id=resource_id
        )
    queueing = time.monotonic() - queueing
    released = datetime.now(timezone.utc).isoformat()
    began = time.monotonic()
    _workers("resume")
    done: dict[str, str] = {}
    while len(done) < len(ids) and time.monotonic() - began < args.time_limit:
        time.sleep(1)
        if any(
            str(j.get("title", "")).startswith("haute_garonne validation")
            for j in portal.action("job_list")
        ):
            continue
        for resource_id in ids:
            if resource_id in done:
                continue
            row = portal.action(
                "haute_garonne_validation_show", resource_id=resource_id
            )
            if row["status"] in FINAL and (row.get("finished") or "") >= released:
                done[resource_id] = row["finished"]
    if len(done) < len(ids):
        return queueing, float("nan"), len(done)
    return queueing, _seconds_between(released, max(done.values())), len(done)


def _of_medians(args: argparse.Namespace) -> str:
    return f" (medians of {args.rounds} rounds)" if args.rounds > 1 else ""


def _seconds_between(first: str, last: str) -> float:
    return (
        datetime.fromisoformat(last) - datetime.fromisoformat(first)
    ).total_seconds()


def bench_hostile(
    portal: Portal, args: argparse.Namespace, hostile: bytes
) -> tuple[Run, Run, list[tuple[float, int]]]:
    scale(2, 2)
    dataset = portal.dataset("hostile")
    visit_tasks = visits(portal)
    play("warm-up", visit_tasks * 4, 4, args.time_limit)
    plan = list(itertools.islice(itertools.cycle(visit_tasks), args.visits))
    calm = play("visitors", plan, args.visitors, args.time_limit)

    stop = threading.Event()
    uploads: list[tuple[float, int]] = []

    def attack() -> None:
        session = requests.Session()
        for _ in range(args.hostile_uploads):
            if stop.is_set():
                return
            began = time.perf_counter()
            try:
                status = portal.upload(
                    session, dataset, "subventions.xlsx", hostile
                ).status_code
            except requests.RequestException:
                status = 0
            uploads.append((time.perf_counter() - began, status))

    attacker = threading.Thread(target=attack)
    attacker.start()
    time.sleep(0.5)  # the upload is in nginx, then in a web process
    under = play("visitors + hostile upload", plan, args.visitors, args.time_limit)
    stop.set()
    attacker.join(timeout=args.time_limit)
    return calm, under, uploads


# Files ---------------------------------------------------------------------------


def make_files(args: argparse.Namespace, work: Path) -> dict[str, bytes]:
    gen = _generators()
    files = {}
    for name, rows in (("valid", 200), ("batch", args.batch_rows)):
        path = work / f"{name}.csv"
        gen.generate_subventions(path, rows)
        files[name] = path.read_bytes()
    rows = list(csv.reader(io.StringIO(files["valid"].decode("utf-8"))))
    # An amount written the French way: refused, as a publisher's typo is.
    rows[1][rows[0].index("montant")] = "2400,50"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows[:20])
    files["invalid"] = out.getvalue().encode("utf-8")
    return files


def make_hostile(rows: int, cache: Path) -> bytes:
    """An XLSX of ``rows`` subventions rows, 20 different ones over and
    over as in a spreadsheet filled down (100,000 rows: 6.4 MB, 100 MB of XML
    once unzipped, under the 10 MB up to which a file is checked during its
    upload). Made with openpyxl (write-only), kept in .data/bench/."""
    path = cache / f"hostile-{rows}.xlsx"
    if not path.exists():
        from openpyxl import Workbook

        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = Path(tmp) / "rows.csv"
            _generators().generate_subventions(csv_path, min(rows, 20))
            with csv_path.open(encoding="utf-8", newline="") as stream:
                header, *body = list(csv.reader(stream))
        book = Workbook(write_only=True)
        sheet = book.create_sheet("subventions")
        sheet.append(header)
        for row in itertools.islice(itertools.cycle(body), rows):
            sheet.append(row)
        book.save(path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
    return path.read_bytes()


# Report ----------------------------------------------------------------------------


def _spin(iterations: int) -> None:
    total = 0
    for i in range(iterations):
        total += i * i


def _spin_seconds(processes: int, iterations: int) -> float:
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_spin, args=(iterations,)) for _ in range(processes)
    ]
    began = time.monotonic()
    for child in children:
        child.start()
    for child in children:
        child.join()
    return time.monotonic() - began


def machine_ceiling(repeats: int = 3, iterations: int = 20_000_000) -> float:
    """What this machine gives two processes: the throughput of 2 processes
    spinning on pure Python at once over that of 1 (medians of ``repeats``).
    A virtual machine's two processors are often less than two cores, and
    the jobs' and web ratios can be no better than this one."""
    one = [_spin_seconds(1, iterations) for _ in range(repeats)]
    two = [_spin_seconds(2, iterations) for _ in range(repeats)]
    return 2 * statistics.median(one) / statistics.median(two)


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def _row(run: Run) -> str:
    return (
        f"| {run.label} | {len(run.samples)} | {run.errors} | {run.elapsed:.1f} | "
        f"{run.rps:.2f} | {run.quantile(0.5):.3f} | {run.quantile(0.95):.3f} | {_load(run.load)} |"
    )


HEADER = (
    "| Measure | Requests | Errors | Seconds | Requests/s | Median (s) | p95 (s) | Load average (1/5/15 min) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---|"
)


def loopback(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"bench/load.py only loads 127.0.0.1 (loopback), not {host!r}")
    return url


def main(argv: list[str] | None = None) -> int:
    port = os.environ.get("HG_DEMO_PORT") or "5000"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["web", "jobs", "hostile"],
        default=["web", "jobs", "hostile"],
    )
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per web measurement"
    )
    parser.add_argument(
        "--concurrency", type=int, default=4, help="threads of the web measurement"
    )
    parser.add_argument(
        "--batch", type=int, default=40, help="background validations per batch"
    )
    parser.add_argument(
        "--batch-rows", type=int, default=20000, help="rows of each batch file"
    )
    parser.add_argument(
        "--visits",
        type=int,
        default=120,
        help="visitor requests per hostile measurement",
    )
    parser.add_argument(
        "--visitors",
        type=int,
        default=2,
        help="visitor threads of the hostile measurement",
    )
    parser.add_argument("--hostile-rows", type=int, default=100000)
    parser.add_argument(
        "--hostile-uploads", type=int, default=5, help="at most, one after the other"
    )
    parser.add_argument(
        "--time-limit", type=float, default=300, help="seconds per measurement"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="web and jobs: 1 then 2 processes or workers, this many times",
    )
    parser.add_argument("--organization", default="roques")
    parser.add_argument("--sysadmin", default="admin")
    parser.add_argument("--publisher", default="editeur-roques")
    args = parser.parse_args(argv)
    url = loopback(args.url)
    print(
        f"bench/load.py against {url}, load average at start {_load(os.getloadavg())}"
    )

    ceiling = [machine_ceiling()]
    portal = Portal(url, args)
    lines: list[str] = []
    ratios: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = make_files(args, Path(tmp))
        if "web" in args.only:
            web_runs = bench_web(portal, args, files)
            lines += [
                f"\n### Web processes: visitors and publishers, {args.concurrency} threads\n",
                HEADER,
                *(
                    _row(run)
                    for pair in zip(*web_runs.values(), strict=True)
                    for run in pair
                ),
            ]
            ratios.append(
                "| 2 web processes / 1, requests per second | "
                f"{_rps(web_runs[2]) / _rps(web_runs[1]):.2f}x | ≥ 1.6x |"
            )
        if "jobs" in args.only:
            results = bench_jobs(portal, args, files)
            lines += [
                f"\n### Job workers: {args.batch} background validations of {args.batch_rows} rows\n",
                "| Workers | Validations done | Seconds, released → last report "
                "| Validations/s | Seconds to queue the batch | Load average |",
                "|---:|---:|---:|---:|---:|---|",
            ]
            for jobs, queueing, seconds, done, load in results:
                lines.append(
                    f"| {jobs} | {done} | {seconds:.1f} | {done / seconds:.2f} "
                    f"| {queueing:.1f} | {_load(load)} |"
                )
            times = {
                jobs: statistics.median(r[2] for r in results if r[0] == jobs)
                for jobs in (1, 2)
            }
            ratios.append(
                f"| 2 job workers / 1, batch time{_of_medians(args)} | "
                f"{times[1] / times[2]:.2f}x faster | ≥ 1.7x |"
            )
        if "hostile" in args.only:
            hostile = make_hostile(args.hostile_rows, ROOT / ".data" / "bench")
            calm, under, uploads = bench_hostile(portal, args, hostile)
            lines += [
                f"\n### Visitors ({args.visitors} threads), with 2 web processes, "
                f"without and during the upload of an XLSX of {args.hostile_rows} rows "
                f"({len(hostile) / 1e6:.1f} MB)\n",
                HEADER,
                _row(calm),
                _row(under),
                "",
                "Hostile uploads (seconds, HTTP status): "
                + ", ".join(f"{s:.1f} s → {c}" for s, c in uploads),
            ]
            ratios.append(
                f"| visitors' p95 during / without the hostile upload | "
                f"{under.quantile(0.95) / calm.quantile(0.95):.2f}x | ≤ 2x |"
            )
    finally:
        portal.cleanup()
        if "web" in args.only or "jobs" in args.only:
            scale(2, 2)
    ceiling.append(machine_ceiling())
    print("\n".join(lines))
    print("\n### Ratios\n\n| Ratio | Measured | Target |\n|---|---:|---|")
    print("\n".join(ratios))
    print(
        "| the machine: 2 processes spinning on pure Python / 1, throughput "
        f"(at the start; at the end) | {ceiling[0]:.2f}x; {ceiling[1]:.2f}x "
        "| what 2 processes or workers can reach at best |"
    )
    print(f"\nLoad average at the end {_load(os.getloadavg())} (2 cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
