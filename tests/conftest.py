from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from stdnum import luhn

from ckan.tests import factories
from ckan.tests.helpers import call_action

ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


@pytest.fixture(autouse=True)
def _with_plugins(with_plugins: None) -> None:
    """Load the plugins of test.ini (``haute_garonne`` first) for every test."""


@pytest.fixture
def clean_db(
    reset_db: Callable[[], None], migrate_db_for: Callable[[str], None]
) -> None:
    """CKAN's clean_db, plus our own table (haute_garonne_validation)."""
    reset_db()
    migrate_db_for("haute_garonne")


@pytest.fixture
def sysadmin_headers(sysadmin: dict[str, Any]) -> dict[str, str]:
    """Authorization header of a fresh sysadmin, for calls to the action API."""
    token = factories.APIToken(user=sysadmin["name"])
    return {"Authorization": token["token"]}


_SIREN_BASES = itertools.count(10_000_000)


def valid_siren() -> str:
    """A SIREN with a valid check digit, new at each call."""
    base = str(next(_SIREN_BASES))
    return base + luhn.calc_check_digit(base)


@pytest.fixture
def make_collectivite() -> Callable[..., dict[str, Any]]:
    """CKAN's organisation factory with what our schema requires (a kind and
    a SIREN) filled in unless given."""

    def make(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("kind", "commune")
        kwargs.setdefault("siren", valid_siren())
        return factories.Organization(**kwargs)

    return make


@pytest.fixture
def roques(make_collectivite: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The commune of Roques (INSEE 31458), as a collectivité."""
    return make_collectivite(
        name="roques", title="Roques", siren="213104581", insee="31458", population=5436
    )


@pytest.fixture
def editor(roques: dict[str, Any]) -> dict[str, Any]:
    """An editor of Roques, with the headers of an API token."""
    user = factories.User()
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=user["name"],
        role="editor",
    )
    token = factories.APIToken(user=user["name"])["token"]
    return {**user, "headers": {"Authorization": token}}


@pytest.fixture
def make_dataset(
    make_collectivite: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    """CKAN's dataset factory with what our schemas require (an update
    frequency, a collectivité) filled in unless given."""

    def factory(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("frequency", ANNUAL)
        if "owner_org" not in kwargs:
            kwargs["owner_org"] = make_collectivite()["id"]
        return factories.Dataset(**kwargs)

    return factory


@pytest.fixture
def background_file() -> Callable[..., dict[str, Any]]:
    """Upload a file as a large one is (saved first), then run the background
    validation job here, as a worker would."""
    import io

    from werkzeug.datastructures import FileStorage

    from ckanext.haute_garonne.uploads import jobs

    def upload(dataset: dict[str, Any], body: bytes, name: str = "subventions.csv"):
        resource = call_action(
            "resource_create",
            {"haute_garonne_defer_validation": True},
            package_id=dataset["id"],
            name="Fichier",
            upload=FileStorage(io.BytesIO(body), name, content_type="text/csv"),
        )
        jobs.validate_resource(resource["id"])
        return resource

    return upload


class LocalServer:
    """A small HTTP server on 127.0.0.1 (ephemeral port), run in a thread,
    for what the portal downloads. ``routes`` maps a path to a response
    (status, headers, body) or to a function that answers the request
    itself; ``requests`` lists the paths it was asked for. With ``tls`` (an
    ``ssl.SSLContext``), it speaks https."""

    def __init__(self, tls: Any = None) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?", 1)[0])
                if callable(route):
                    route(self)
                    return
                status, headers, body = route or (404, {}, b"absent")
                self.send_response(status)
                for name, value in {"Content-Length": len(body), **headers}.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.routes: dict[str, Any] = {}
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "http" if tls is None else "https"
        self.port = self._httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"

    def file(self, path: str, body: bytes, **headers: Any) -> str:
        """Serve ``body`` at ``path``; its URL."""
        self.routes[path] = (200, headers, body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)

    def __enter__(self) -> LocalServer:
        import threading

        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A local HTTP server; the portal refuses it unless allow-listed."""
    with LocalServer() as server:
        yield server


ALLOWED_HOSTS = "ckanext.haute_garonne.fetch.allowed_hosts"


@pytest.fixture
def allow_local(
    local_server: LocalServer, ckan_config: Any, monkeypatch: pytest.MonkeyPatch
) -> LocalServer:
    """The local server, allow-listed (its host and port only) as a site
    admin would list an intranet host."""
    monkeypatch.setitem(ckan_config, ALLOWED_HOSTS, local_server.host)
    return local_server


@pytest.fixture
def run_queued_jobs() -> Callable[[], None]:
    """Run the queued background jobs in this process, as a burst worker
    (``ckan jobs worker --burst``) would. At most 50: a job that queues
    itself again forever fails the test instead of hanging."""
    from rq import SimpleWorker

    from ckan.lib import jobs

    def run() -> None:
        queue = jobs.get_queue()
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True, max_jobs=50)
        assert queue.count == 0, "jobs keep queueing jobs"

    return run
