"""A portal of its own for the fault tests: PostgreSQL, Redis and Solr
started by ``dev/services`` on free ports with their data under
``.data/faults-<CKAN version>``, and a ``ckan run`` server on them. The
tests stop and restart these services; the suite's own are never touched."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

import ckan

ROOT = Path(__file__).resolve().parents[2]
CKAN_BIN = Path(sys.executable).with_name("ckan")
VERSION = ".".join(ckan.__version__.split(".")[:2])

# The site user's API token, printed by a script run in the stack's config.
TOKEN_SCRIPT = """
import sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
app = make_app(load_config(sys.argv[1]))
with app._wsgi_app.test_request_context():
    import ckan.plugins.toolkit as tk
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    token = tk.get_action("api_token_create")(
        {"user": site["name"], "ignore_auth": True},
        {"user": site["name"], "name": "faults"},
    )
    print("TOKEN=" + token["token"])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """The services, the server and a way to run a burst worker."""

    def __init__(self) -> None:
        self.data = ROOT / ".data" / f"faults-{VERSION}"
        self.ports = {
            "HG_PG_PORT": _free_port(),
            "HG_REDIS_PORT": _free_port(),
            "HG_SOLR_PORT": _free_port(),
        }
        self.url = ""
        self.ini = self.data / "ckan.ini"
        self.log = self.data / "server.log"
        # Our own services only: no CKAN_* variable of the suite may leak in.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
        self.env.update({k: str(v) for k, v in self.ports.items()})
        self.env.update(
            {"HG_DATA_DIR": str(self.data), "HG_CKAN_PYTHON": sys.executable}
        )
        self.server: subprocess.Popen[bytes] | None = None
        self.worker_process: subprocess.Popen[bytes] | None = None
        self.headers: dict[str, str] = {}

    # Services

    def services(self, command: str, *names: str) -> None:
        result = subprocess.run(
            [str(ROOT / "dev" / "services"), command, *names],
            env=self.env, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]

    def restart_postgres(self) -> None:
        pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl"
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_ctl, "-D", str(self.data / "postgres"),
             "-m", "fast", "-w", "restart", "-l", str(self.data / "log" / "postgres.log")],
            cwd="/", capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]

    # CKAN

    def write_ini(self) -> None:
        text = (ROOT / "test.ini").read_text()
        pg, redis, solr = (
            self.ports[k] for k in ("HG_PG_PORT", "HG_REDIS_PORT", "HG_SOLR_PORT")
        )
        storage = self.data / "storage"
        datastore = "datastore_test" + os.environ.get("HG_DATASTORE_SUFFIX", "")
        settings = {
            # As in production: CKAN's own handler answers unexpected errors.
            "testing": "false",
            "sqlalchemy.url": f"postgresql://ckan_default:pass@127.0.0.1:{pg}/ckan_test",
            # The DataStore too: on this stack's PostgreSQL, never another's.
            "ckan.datastore.write_url":
                f"postgresql://ckan_default:pass@127.0.0.1:{pg}/{datastore}",
            "ckan.datastore.read_url":
                f"postgresql://datastore_default:pass@127.0.0.1:{pg}/{datastore}",
            "solr_url": f"http://127.0.0.1:{solr}/solr/ckan_test",
            "ckan.redis.url": f"redis://127.0.0.1:{redis}/1",
            "ckan.files.storage.test.path": f"{storage}/files",
            "ckan.storage_path": str(storage),
        }  # fmt: skip
        for key, value in settings.items():
            text, found = re.subn(
                rf"^{re.escape(key)} = .*$", f"{key} = {value}", text, flags=re.M
            )
            assert found == 1, key
        # Every file is validated by a background job.
        text = text.replace(
            "ckan.views.default_views =",
            "ckan.views.default_views =\n"
            "ckanext.haute_garonne.validation.sync_max_size = 0",
        )
        self.ini.write_text(text)

    def ckan(self, *args: str, timeout: int = 300) -> str:
        result = subprocess.run(
            [str(CKAN_BIN), "-c", str(self.ini), *args],
            env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        return result.stdout + result.stderr

    def worker(self) -> str:
        """Run the queued jobs, as ``ckan jobs worker --burst``."""
        return self.ckan("jobs", "worker", "--burst")

    def start_worker(self) -> None:
        """A ``ckan jobs worker`` that runs until ``stop_worker``."""
        log = (self.data / "worker.log").open("wb")
        self.worker_process = subprocess.Popen(
            [str(CKAN_BIN), "-c", str(self.ini), "jobs", "worker"],
            stdout=log, stderr=subprocess.STDOUT, env=self.env,
        )  # fmt: skip
        log.close()

    def worker_alive(self) -> bool:
        return self.worker_process is not None and self.worker_process.poll() is None

    def stop_worker(self) -> None:
        if self.worker_process is not None:
            self.worker_process.terminate()
            self.worker_process.wait(timeout=60)
            self.worker_process = None

    def start_server(self) -> None:
        """``ckan run`` on a free port (another, if it was taken meanwhile)."""
        for _ in range(3):
            if self._start_server():
                return
        raise AssertionError(self.log.read_text()[-3000:])

    def _start_server(self) -> bool:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("w") as log:
            self.server = subprocess.Popen(
                [str(CKAN_BIN), "-c", str(self.ini), "run", "--host", "127.0.0.1",
                 "--port", str(port), "--disable-reloader"],
                stdout=log, stderr=subprocess.STDOUT,
                env={**self.env, "CKAN_SITE_URL": self.url},
            )  # fmt: skip
        for _ in range(240):
            try:
                if requests.get(f"{self.url}/api/3/action/status_show", timeout=2).ok:
                    return True
            except requests.ConnectionError:
                pass
            if self.server.poll() is not None:
                return False
            time.sleep(0.5)
        raise AssertionError("the server did not answer")

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    # HTTP

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def action(self, action: str, /, **data: Any) -> requests.Response:
        return requests.post(
            f"{self.url}/api/3/action/{action}",
            json=data,
            headers=self.headers,
            timeout=60,
        )

    def call(self, action: str, /, **data: Any) -> Any:
        response = self.action(action, **data)
        assert response.status_code == 200, response.text[-2000:]
        return response.json()["result"]


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    found = Stack()
    found.data.mkdir(parents=True, exist_ok=True)
    # Left running by an interrupted run: stopped first (found by pid files).
    found.services("down")
    shutil.rmtree(found.data / "storage", ignore_errors=True)
    try:
        found.services("up")
        found.write_ini()
        found.headers = {"Authorization": _fresh_database(found)}
        _empty_index_and_queues(found)
        found.start_server()
        yield found
    finally:
        found.stop_worker()
        found.stop_server()
        found.services("down")


def _psql(stack: Stack, *sql: str) -> str:
    commands = [arg for statement in sql for arg in ("-c", statement)]
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-tA",
         "-h", str(stack.data / "run" / "postgres"), "-p", str(stack.ports["HG_PG_PORT"]),
         "-U", "postgres", "-d", "postgres", *commands],
        cwd="/", capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _fresh_database(stack: Stack) -> str:
    """A new test database, copied from a template made once per CKAN
    version and set of migrations (``ckan db init`` takes 20 s); the site
    user's API token, made with the template."""
    migrations = sorted(
        p.name for p in (ROOT / "ckanext/haute_garonne/migration").rglob("*.py")
    )
    digest = hashlib.sha256(f"{ckan.__version__} {migrations}".encode()).hexdigest()
    template = f"ckan_faults_{digest[:12]}"
    token_file = stack.data / f"{template}.token"
    drop = "DROP DATABASE IF EXISTS ckan_test WITH (FORCE)"
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{template}'"  # noqa: S608
    if _psql(stack, exists).strip() != "1" or not token_file.exists():
        _psql(stack, drop, "CREATE DATABASE ckan_test OWNER ckan_default")
        stack.ckan("db", "init")
        result = subprocess.run(
            [sys.executable, "-c", TOKEN_SCRIPT, str(stack.ini)],
            env=stack.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        token = re.search(r"TOKEN=(\S+)", result.stdout)
        assert token, (result.stdout + result.stderr)[-3000:]
        _psql(stack, f"DROP DATABASE IF EXISTS {template}")
        _psql(stack, f"CREATE DATABASE {template} TEMPLATE ckan_test")
        token_file.write_text(token.group(1))
    else:
        _psql(stack, drop, f"CREATE DATABASE ckan_test TEMPLATE {template}")
    return token_file.read_text().strip()


def _empty_index_and_queues(stack: Stack) -> None:
    solr = f"http://127.0.0.1:{stack.ports['HG_SOLR_PORT']}/solr/ckan_test"
    requests.post(
        f"{solr}/update?commit=true",
        json={"delete": {"query": "*:*"}},
        timeout=60,
    ).raise_for_status()
    redis.Redis(port=stack.ports["HG_REDIS_PORT"], db=1).flushdb()
