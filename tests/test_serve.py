"""The production layout (dev/serve: nginx in front of gunicorn with two web
processes) keeps a visitor's session, CSRF token and flash messages whichever
process answers the next request."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from bs4 import BeautifulSoup

from ckan.tests import factories

ROOT = Path(__file__).resolve().parent.parent
# Under the repository, not pytest's private temporary folder: nginx's
# workers (www-data) must reach the socket and their temporary files.
DATA = ROOT / ".data" / "test-serve"
PASSWORD = "Editeur-Test-31"
FLOWS = 12  # per visitor, at most; stops earlier once every case is seen


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "dev" / "serve"), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def layout() -> Iterator[str]:
    """nginx and gunicorn (2 web processes, no job worker) on the test
    database, with CSRF protection on, as in production."""
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # The test configuration with CSRF protection on, as in production (a
    # copy: CKAN 2.11 cannot read a file that only extends another).
    base = Path(os.environ.get("CKAN_INI") or ROOT / "test.ini")
    text = base.read_text(encoding="utf-8").replace("%(here)s", str(base.parent))
    text = re.sub(r"(?m)^WTF_CSRF_ENABLED = .*$", "WTF_CSRF_ENABLED = true", text)
    text = re.sub(r"(?m)^ckan\.site_url = .*$", f"ckan.site_url = {url}", text)
    ini = DATA / "serve.ini"
    ini.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "CKAN_INI": str(ini),
        "HG_VENV_BIN": str(Path(sys.executable).parent),
        "HG_DATA_DIR": str(DATA),
        "HG_DEMO_PORT": str(port),
        "HG_WEB_WORKERS": "2",
        "HG_JOB_WORKERS": "0",
    }
    env.pop("CKAN_SITE_URL", None)
    started = _serve("start", env)
    try:
        assert started.returncode == 0, started.stderr[-3000:]
        yield url
    finally:
        stopped = _serve("stop", env)
        assert stopped.returncode == 0, stopped.stderr[-3000:]


def _form(html: str, selector: str) -> dict[str, str]:
    """The fields a browser would send for the form."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, html[-2000:]
    fields: dict[str, str] = {}
    for tag in form.select("input[name], textarea[name]"):
        kind = tag.get("type", "text")
        if kind in ("file", "submit") or (
            kind == "checkbox" and not tag.has_attr("checked")
        ):
            continue
        fields[tag["name"]] = (
            tag.text if tag.name == "textarea" else tag.get("value", "")
        )
    return fields


class Visitor:
    """One browser: a cookie jar, and the id of every request it sent."""

    def __init__(self, url: str, user: dict[str, Any]) -> None:
        self.url, self.user = url, user
        self.http = requests.Session()
        self.steps: list[tuple[str, str]] = []  # (step, nginx's request id)
        self.failures: list[str] = []

    def _send(
        self, step: str, method: str, path: str, **kwargs: Any
    ) -> requests.Response:
        response = self.http.request(
            method, self.url + path, allow_redirects=False, timeout=60, **kwargs
        )
        self.steps.append((step, response.headers["X-Request-ID"]))
        return response

    def flow(self, n: int) -> None:
        try:
            self._flow(n)
        except Exception as e:  # a thread's exception would be lost
            self.failures.append(f"{type(e).__name__}: {e}")

    def _flow(self, n: int) -> None:
        name = self.user["name"]
        page = self._send("login form", "GET", "/user/login")
        fields = _form(page.text, "form:has(input[name=password])")
        fields.update(login=name, password=PASSWORD)
        answer = self._send("login", "POST", "/user/login", data=fields)
        if answer.status_code != 302:
            self.failures.append(f"login answered {answer.status_code}")
            return
        page = self._send("edit form", "GET", f"/user/edit/{name}")
        if page.status_code != 200:
            self.failures.append(f"the logged-in edit form answered {page.status_code}")
            return
        fields = _form(page.text, "form#user-edit-form")
        fields.update(fullname=f"Éditrice {n}", save="")
        answer = self._send("save", "POST", f"/user/edit/{name}", data=fields)
        if answer.status_code != 302:
            self.failures.append(f"saving the profile answered {answer.status_code}")
            return
        page = self._send(
            "flash", "GET", answer.headers["Location"].replace(self.url, "")
        )
        flash = BeautifulSoup(page.text, "html.parser").select_one(".flash-messages")
        if flash is None or "Profil mis à jour" not in flash.get_text():
            self.failures.append("no flash message after saving the profile")
        if f"Éditrice {n}" not in page.text:
            self.failures.append("the new name is not shown")
        # A forged token is refused: the protection is on.
        fields["_csrf_token"] = "forged"
        answer = self._send("forged", "POST", f"/user/edit/{name}", data=fields)
        if answer.status_code != 400:
            self.failures.append(f"a forged CSRF token answered {answer.status_code}")
        self._send("logout", "GET", "/user/_logout")
        self.http.cookies.clear()


def _pids(log: Path) -> dict[str, str]:
    """nginx's request id -> gunicorn worker pid, from gunicorn's access log."""
    found = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        match = re.search(r" ([0-9a-f]{32}) <(\d+)> ", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


# Each case: a step whose request is answered by another process than the
# step before it, so what the step relies on came from another process.
CASES = {
    "login": "the CSRF token of the login form",
    "edit form": "the session opened by the login",
    "save": "the CSRF token of the edit form",
    "flash": "the flash message stored by the save",
}


@pytest.mark.usefixtures("clean_db")
def test_sessions_csrf_and_flash_messages_work_across_web_processes(layout):
    visitors = []
    for i in range(3):
        user = factories.User(name=f"editrice-{i}", password=PASSWORD)
        visitors.append(Visitor(layout, user))
    seen: set[str] = set()
    pids: dict[str, str] = {}
    for n in range(FLOWS):
        # Three visitors at once for two processes: the request that waits
        # goes to whichever process frees first.
        threads = [threading.Thread(target=v.flow, args=(n,)) for v in visitors]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for visitor in visitors:
            assert visitor.failures == [], visitor.failures
        pids = _pids(DATA / "log" / "gunicorn-access.log")
        for visitor in visitors:
            for (_, before), (step, after) in itertools.pairwise(visitor.steps):
                first, then = pids.get(before), pids.get(after)
                if step in CASES and first and then and first != then:
                    seen.add(step)
        if seen == set(CASES):
            print(f"every case seen after {n + 1} rounds")
            break
    assert len(set(pids.values())) == 2, pids
    missing = [CASES[step] for step in CASES if step not in seen]
    assert not missing, f"never read by another process: {missing}"


def test_the_scripts_of_ckan_speak_french(layout):
    """CKAN's JavaScript strings come from catalogues that `ckan run` builds
    when it starts; the layout builds them too."""
    answer = requests.get(f"{layout}/api/i18n/fr", timeout=30)
    assert answer.status_code == 200
    assert answer.json()["Add Filter"] == [None, "Ajouter un filtre"]
