from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import ALLOWED_HOSTS, LocalServer, valid_siren

from ckan.tests import factories
from ckan.tests.helpers import call_action

ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


@pytest.fixture(autouse=True)
def _with_plugins(with_plugins: None) -> None:
    """Load the plugins of test.ini (``haute_garonne`` first) for every test."""


class _Environment:
    """The plugins and the WSGI app of the previous tests, kept while the
    configuration they were built from is the same, because loading the
    plugins (CKAN's ``update_config``) and making the app
    (``load_environment``, which loads them again, then the Flask stack)
    cost about 2 s a test. A test whose configuration differs (a
    ``ckan_config`` mark, a fixture that patches the configuration before
    asking for ``app``) gets them rebuilt, as CKAN's fixtures would."""

    plugins_key: str | None = None
    app_key: str | None = None
    app: Any = None


def _config_key(config: Any) -> str:
    """The whole configuration, as text (a value whose repr holds its
    address simply never matches: the environment is then rebuilt).
    ``testing``, which CKAN's make_app sets to True, is left out."""
    return repr(
        sorted(
            (str(key), repr(value)) for key, value in config.items() if key != "testing"
        )
    )


def _plugins_loaded(config: Any) -> bool:
    import ckan.plugins as p

    names = config.get("ckan.plugins") or []
    if isinstance(names, str):
        names = names.split()
    return all(p.plugin_loaded(name) for name in names)


@pytest.fixture
def with_plugins(ckan_config: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """CKAN's with_plugins (load the plugins of ``ckan.plugins``), except
    that they are not unloaded after the test, nor loaded again before the
    next one when its configuration is the same (CKAN's plugin restores the
    configuration of test.ini before every test)."""
    import ckan.plugins as p

    for mark in ("with_plugins", "provide_plugin", "ckan_plugin"):
        if any(request.node.iter_markers(mark)):
            pytest.fail(
                f"the {mark} mark is not supported here: use "
                "@pytest.mark.ckan_config('ckan.plugins', ...)"
            )
    key = _config_key(ckan_config)
    if key != _Environment.plugins_key or not _plugins_loaded(ckan_config):
        _Environment.plugins_key = _Environment.app_key = None
        _Environment.app = None
        p.load_all()
        _Environment.plugins_key = _config_key(ckan_config)
    yield


@pytest.fixture
def make_app(ckan_config: Any) -> Callable[[], Any]:
    """CKAN's make_app, with the WSGI app of an earlier test when the
    configuration is the same (and always a new test client, without the
    cookies of an earlier test)."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests import helpers

    _CONFIG_CACHE.clear()

    def make() -> Any:
        key = _config_key(ckan_config)
        if (
            _Environment.app is None
            or key != _Environment.app_key
            or not _plugins_loaded(ckan_config)
        ):
            _Environment.app = _Environment.app_key = None
            # load_environment loads the plugins again, from this configuration
            _Environment.plugins_key = None
            _Environment.app = helpers._get_test_app().app
            _Environment.plugins_key = _Environment.app_key = key
        ckan_config["testing"] = True
        return helpers.CKANTestApp(_Environment.app)

    return make


@pytest.fixture
def clean_db(
    reset_db: Callable[[], None], migrate_db_for: Callable[[str], None]
) -> None:
    """CKAN's clean_db, plus our own table (haute_garonne_validation). Its
    rows are deleted with CKAN's (it is in CKAN's metadata); its migration
    only runs when the table is missing (the first test of a run)."""
    import sqlalchemy as sa

    from ckan import model

    reset_db()
    if not sa.inspect(model.Session.connection()).has_table("haute_garonne_validation"):
        migrate_db_for("haute_garonne")


@pytest.fixture
def clean_queues(reset_queues: Callable[[], None]) -> None:
    """CKAN's clean_queues, plus the jobs scheduled for later (the
    DataStore's ``datastore-patch-last_modified`` of an earlier test), which
    a worker of this test would otherwise run against a wiped database."""
    from ckan.lib import jobs

    for queue in {jobs.get_queue(), *jobs.get_all_queues()}:
        registry = queue.scheduled_job_registry
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    reset_queues()


@pytest.fixture
def clean_datastore(clean_db: None, clean_index: None) -> None:
    """Our clean_db and CKAN's clean_index, plus an empty DataStore database:
    the tables of resources and their functions are dropped. What
    ``ckan datastore set-permissions`` made (``_table_metadata``, CKAN 2.12's
    ``_table_stats`` and their functions) stays, whichever CKAN runs."""
    import sqlalchemy as sa

    from ckanext.datastore.backend.postgres import get_write_engine, identifier

    with get_write_engine().begin() as connection:
        tables = connection.execute(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND left(tablename, 1) <> '_'"
            )
        ).scalars()
        for table in list(tables):
            connection.execute(sa.text(f"DROP TABLE {identifier(table)} CASCADE"))
        functions = connection.execute(
            sa.text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
                "ON p.pronamespace = n.oid WHERE n.nspname = 'public' "
                "AND p.proname LIKE '%\\_tabledesigner\\_validate'"
            )
        ).scalars()
        for function in list(functions):
            connection.execute(
                sa.text(f"DROP FUNCTION IF EXISTS {identifier(function)}() CASCADE")
            )


@pytest.fixture
def sysadmin_headers(sysadmin: dict[str, Any]) -> dict[str, str]:
    """Authorization header of a fresh sysadmin, for calls to the action API."""
    token = factories.APIToken(user=sysadmin["name"])
    return {"Authorization": token["token"]}


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
def subventions(roques: dict[str, Any]) -> dict[str, Any]:
    """A subventions dataset of Roques, with no file yet."""
    return call_action(
        "package_create",
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )


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


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A local HTTP server; the portal refuses it unless allow-listed."""
    with LocalServer() as server:
        yield server


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
