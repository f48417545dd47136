from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ckan.tests import factories

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
def make_dataset() -> Callable[..., dict[str, Any]]:
    """CKAN's dataset factory with what our schemas require (an update
    frequency, a collectivité) filled in unless given."""

    def factory(**kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("frequency", ANNUAL)
        if "owner_org" not in kwargs:
            kwargs["owner_org"] = factories.Organization()["id"]
        return factories.Dataset(**kwargs)

    return factory
