"""A real `ckan run` server on the test database, Solr core and Redis, and
a page of Debian's Chromium driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server() -> Iterator[str]:
    """`ckan run` on a free port, on the test database, Solr core and Redis."""
    port = _free_port()
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    url = f"http://127.0.0.1:{port}"
    # Redirects and the JavaScript translations use the site's own address.
    env = {**os.environ, "CKAN_SITE_URL": url}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("ckan")), "-c", ini, "run", "--host", "127.0.0.1",
         "--port", str(port), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, (ARTIFACTS / "server.log").read_text()[
                -3000:
            ]
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 1280, "height": 1000}
        )
        yield context.new_page()
        browser.close()
