"""Benchmark of the test SolrCloud (dev/solrcloud): what the second node costs
CKAN's indexing and searches, and what losing a node costs.

1. On the single Solr core of dev/services (the baseline) and on the SolrCloud
   collection through nginx, in the same run: index N CKAN-shaped documents one
   at a time with a commit each (as CKAN indexes a dataset), then run N
   searches. Median and 95th percentile per call, and the ratio to the baseline.
2. Stops the node holding the shard leader, cleanly (SIGTERM) then, once it is
   back, by a crash (SIGKILL): seconds until a search through nginx answers,
   until an update is accepted again (a new leader), how many calls failed
   meanwhile, and seconds until the restarted node's replica is active again.
3. Resident memory of each JVM.

Needs dev/services' Solr and a running cluster (``dev/solrcloud up``), with the
same HG_* ports. The documents carry their own site_id and are deleted at the
end; the collection's other documents are left alone.

Usage::

    python bench/solrcloud.py [--docs 200]

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLOUD = str(ROOT / "dev" / "solrcloud")
SITE = "bench_solrcloud"
WAIT = 120.0


def cloud(*args: str) -> str:
    done = subprocess.run(
        [CLOUD, *args], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode:
        raise SystemExit(f"dev/solrcloud {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


def call(url: str, body: object | None = None, timeout: float = 10) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback URLs of our services
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.load(response)


def doc(i: int) -> dict[str, str]:
    return {
        "index_id": f"{SITE}-{i}",
        "id": f"{SITE}-{i}",
        "site_id": SITE,
        "name": f"budget-{i}",
        "title": f"Budget primitif {i}",
        "notes": "Le budget primitif voté en conseil municipal.",
        "text": "budget primitif conseil municipal délibération",
        "entity_type": "package",
        "dataset_type": "dataset",
        "state": "active",
        "capacity": "public",
    }


def index(core: str, i: int) -> None:
    call(f"{core}/update?commit=true&wt=json", [doc(i)])


def search(core: str) -> None:
    found = call(f"{core}/select?q=title:primitif&fq=site_id:{SITE}&rows=10&wt=json")
    if found["response"]["numFound"] < 1:
        raise RuntimeError("nothing found")


def timed(function: Callable[[], None], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def throughput(single: str, collection: str, runs: int) -> None:
    print(f"## {runs} indexings (one commit each) and {runs} searches\n")
    print(
        "| Call | Single core: median / p95 | SolrCloud: median / p95 | Ratio (medians) |"
    )
    print("|---|---|---|---|")
    counter = iter(range(10**9))
    for label, make in (
        ("index + commit", lambda core: lambda: index(core, next(counter))),
        ("search", lambda core: lambda: search(core)),
    ):
        base = timed(make(single), runs)
        other = timed(make(collection), runs)
        ratio = statistics.median(other) / statistics.median(base)
        print(
            f"| {label} | {ms(statistics.median(base))} / {ms(p95(base))} "
            f"| {ms(statistics.median(other))} / {ms(p95(other))} | {ratio:.2f}x |"
        )
    print()


def until_ok(function: Callable[[], None]) -> tuple[float, int]:
    """Seconds until function succeeds, and how many calls failed before."""
    start, failures = time.perf_counter(), 0
    while True:
        try:
            function()
            return time.perf_counter() - start, failures
        except (OSError, RuntimeError, urllib.error.URLError, ValueError):
            failures += 1
            if time.perf_counter() - start > WAIT:
                raise
            time.sleep(0.1)


def outage(collection: str, how: str) -> list[str]:
    leader = cloud("leader")
    counter = iter(range(10**6, 10**9))
    start = time.perf_counter()
    cloud(f"{how}-node", leader)
    stopped = time.perf_counter() - start
    search_s, search_failed = until_ok(lambda: search(collection))
    index_s, index_failed = until_ok(lambda: index(collection, next(counter)))
    during = timed(lambda: search(collection), 20)
    start = time.perf_counter()
    cloud("start-node", leader)
    back = time.perf_counter() - start
    return [
        how,
        f"{stopped:.1f} s",
        f"{search_s:.2f} s ({search_failed} failed)",
        f"{index_s:.2f} s ({index_failed} failed)",
        ms(statistics.median(during)),
        f"{back:.1f} s",
    ]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory() -> None:
    data = Path(os.environ.get("HG_DATA_DIR", ROOT / ".data"))
    print("## Memory\n\n| Process | RSS |\n|---|---|")
    pidfiles = [
        data / "run" / "solr.pid",
        *sorted((data / "solrcloud" / "run").glob("*.pid")),
    ]
    for pidfile in pidfiles:
        try:
            pid = int(pidfile.read_text().split()[0])
            print(
                f"| {pidfile.stem} ({pidfile.parent.parent.name}) | {rss_mb(pid):.0f} MB |"
            )
        except (OSError, ValueError, IndexError):
            continue
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    single = f"http://127.0.0.1:{os.environ.get('HG_SOLR_PORT', '8983')}/solr/ckan_test"
    collection = cloud("url")
    cleanup = {"delete": {"query": f"site_id:{SITE}"}}
    try:
        throughput(single, collection, args.docs)
        print("## Losing the node that holds the leader\n")
        print(
            "| Stop | Stop took | First search through nginx | First update accepted "
            "| Search median meanwhile | Back and active |"
        )
        print("|---|---|---|---|---|---|")
        for how in ("stop", "kill"):
            print("| " + " | ".join(outage(collection, how)) + " |")
        print()
        memory()
    finally:
        for core in (single, collection):
            call(f"{core}/update?commit=true&wt=json", cleanup)


if __name__ == "__main__":
    main()
