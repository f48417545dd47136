from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _with_plugins(with_plugins: None) -> None:
    """Load the plugins of test.ini (``haute_garonne`` first) for every test."""


@pytest.fixture
def sysadmin_headers(sysadmin: dict[str, str]) -> dict[str, str]:
    """Authorization header of a fresh sysadmin, for calls to the action API."""
    from ckan.tests import factories

    token = factories.APIToken(user=sysadmin["name"])
    return {"Authorization": token["token"]}
