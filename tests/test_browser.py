"""An editor fixes a refused file in a real browser (Playwright driving
Debian's Chromium against a real `ckan run` server)."""

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

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parent.parent
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
PASSWORD = "Editeur-Test-31"
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
HEADER, FIRST = VALID.splitlines()[:2]
INVALID = "\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]) + "\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server() -> Iterator[str]:
    """`ckan run` on a free port, on the test database, Solr core and Redis."""
    port = _free_port()
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("ckan")), "-c", ini, "run", "--host", "127.0.0.1",
         "--port", str(port), "--disable-reloader"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
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


def _upload(
    page: Page, url: str, dataset: str, body: str, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    page.goto(f"{url}/subventions/{dataset}/resource/new")
    page.set_input_files("input[name=upload]", str(path))
    page.fill("input[name=name]", "Subventions 2024")
    page.locator("form#resource-edit button[name=save]").last.click()
    page.wait_for_load_state("networkidle")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_editor_fixes_a_refused_file_and_publishes_it(server, page, tmp_path):
    roques = factories.Organization(
        name="roques", title="Roques", kind="commune", siren="213104581"
    )
    editor = factories.User(name="editeur-roques", password=PASSWORD)
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=editor["name"],
        role="editor",
    )
    call_action(
        "package_create",
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )

    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", editor["name"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("networkidle")

    _upload(
        page,
        server,
        "subventions-roques",
        INVALID,
        tmp_path,
        "subventions-a-corriger.csv",
    )
    page.screenshot(path=str(ARTIFACTS / "refused.png"), full_page=True)
    report = page.locator(".haute-garonne-form-report")
    assert report.is_visible()
    assert "montant" in report.inner_text()
    assert "Écrivez plutôt : 2400.50" in report.inner_text()
    assert "'type'" not in page.locator(".error-explanation").inner_text()
    assert call_action("package_show", id="subventions-roques")["resources"] == []

    _upload(page, server, "subventions-roques", VALID, tmp_path, "subventions.csv")
    page.goto(f"{server}/subventions/subventions-roques")
    page.screenshot(path=str(ARTIFACTS / "published.png"), full_page=True)
    badge = page.locator(".haute-garonne-validation-badge").first
    assert badge.inner_text().strip() == "Conforme à Subventions 2.1.1"
