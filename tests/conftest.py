from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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


@pytest.fixture
def roques() -> dict[str, Any]:
    """The commune of Roques (INSEE 31458), as a collectivité."""
    return factories.Organization(
        name="roques", title="Roques", extras=[{"key": "insee", "value": "31458"}]
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
def make_dataset() -> Callable[..., dict[str, Any]]:
    """CKAN's dataset factory with what our schemas require (an update
    frequency, a collectivité) filled in unless given."""

    def factory(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("frequency", ANNUAL)
        if "owner_org" not in kwargs:
            kwargs["owner_org"] = factories.Organization()["id"]
        return factories.Dataset(**kwargs)

    return factory
