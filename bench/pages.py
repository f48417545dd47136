"""Benchmark of the pages a publisher visits, warm, against CKAN's own
/dataset/ search page measured in the same run.

Logs in to a running portal (the demo, ``make demo``) as a demo publisher,
finds one of their collectivité's datasets with a file, then for each page:
a few warm-up requests, then N timed requests one after the other. Prints a
Markdown table: median and 95th percentile in milliseconds, HTTP status and
the ratio of the median to /dataset/'s. The goal of step 9: under 0.5 s.

Only a portal on 127.0.0.1 (or localhost) is accepted: this is a
benchmark of our own demo, not a load test of anyone's site.

Usage::

    python bench/pages.py                              # http://127.0.0.1:5000
    python bench/pages.py --url http://127.0.0.1:5013 --runs 30
    python bench/pages.py --user editeur-sicoval
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from urllib.parse import urlsplit

import requests

DEFAULT_URL = "http://127.0.0.1:5000"
DEFAULT_USER = "editeur-roques"
DEFAULT_PASSWORD = "Editeur-Demo-31"  # noqa: S105 (a demo account of the README)
TIMEOUT = 30
GOAL = 0.5


def _local(url: str) -> str:
    host = urlsplit(url).hostname
    if host not in {"127.0.0.1", "localhost"}:
        sys.exit(f"Refused: {url} is not on 127.0.0.1")
    return url.rstrip("/")


def login(session: requests.Session, url: str, user: str, password: str) -> str:
    """Log in through the form; the path the portal lands on."""
    form = session.get(f"{url}/user/login", timeout=TIMEOUT)
    form.raise_for_status()
    data = {"login": user, "password": password}
    token = re.search(r'name="_csrf_token"\s+value="([^"]+)"', form.text)
    if token:
        data["_csrf_token"] = token.group(1)
    landed = session.post(f"{url}/user/login", data=data, timeout=TIMEOUT)
    landed.raise_for_status()
    if "/user/login" in landed.url:
        sys.exit(f"Could not log in as {user}")
    return urlsplit(landed.url).path


def pages(session: requests.Session, url: str, user: str) -> list[tuple[str, str]]:
    """(label, path) of each page, /dataset/ first."""
    me = session.get(
        f"{url}/api/3/action/organization_list_for_user",
        params={"id": user, "permission": "create_dataset"},
        timeout=TIMEOUT,
    ).json()["result"]
    if not me:
        sys.exit(f"{user} is a publisher of no collectivité")
    org = me[0]["name"]
    found = session.get(
        f"{url}/api/3/action/package_search",
        params={
            "fq": f"organization:{org} num_resources:[1 TO *]",
            "rows": 1,
            "include_private": "true",
        },
        timeout=TIMEOUT,
    ).json()["result"]["results"]
    if not found:
        sys.exit(f"{org} has no dataset with a file")
    dataset = found[0]
    kind, name = dataset["type"], dataset["name"]
    resource = dataset["resources"][0]["id"]
    return [
        ("/dataset/ (CKAN, baseline)", "/dataset/"),
        ("Home", "/"),
        ("Ma collectivité", "/ma-collectivite"),
        ("Collectivité page", f"/organization/{org}"),
        ("Dataset page", f"/{kind}/{name}"),
        ("Resource page", f"/{kind}/{name}/resource/{resource}"),
        ("Validation report", f"/{kind}/{name}/resource/{resource}/validation"),
        ("Socle commun overview", "/socle-commun"),
        ("New dataset form", f"/{kind}/new"),
        ("Edit form", f"/{kind}/edit/{name}"),
    ]


def measure(
    session: requests.Session, url: str, warmups: int, runs: int
) -> tuple[int, list[float]]:
    status = 0
    for _ in range(warmups):
        status = session.get(url, timeout=TIMEOUT).status_code
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = session.get(url, timeout=TIMEOUT)
        times.append(time.perf_counter() - start)
        status = response.status_code
    return status, times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--user", default=DEFAULT_USER)
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = _local(args.url)
    warmups = max(0, min(args.warmups, 20))
    runs = max(1, min(args.runs, 200))

    session = requests.Session()
    landed = login(session, url, args.user, args.password)
    print(f"Logged in as {args.user}, landed on {landed}; "
          f"{warmups} warm-ups, {runs} runs per page.\n")  # fmt: skip
    print(
        "| Page | Path | Status | Median (ms) | p95 (ms) | Ratio to /dataset/ | < 0.5 s |"
    )
    print("|---|---|---|---:|---:|---:|---|")
    baseline = None
    for label, path in pages(session, url, args.user):
        status, times = measure(session, url + path, warmups, runs)
        median = statistics.median(times)
        baseline = baseline or median
        ok = "yes" if median < GOAL else "**no**"
        print(f"| {label} | `{path}` | {status} | {median * 1000:.0f} | "
              f"{_p95(times) * 1000:.0f} | {median / baseline:.2f} | {ok} |")  # fmt: skip


if __name__ == "__main__":
    main()
