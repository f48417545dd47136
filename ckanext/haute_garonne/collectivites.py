"""Who a collectivité is: its identity as recorded on its organisation.

Pure: no CKAN import. The identity is read from an organisation dict in
either form CKAN gives it: top-level keys (organisation fields declared with
ckanext-scheming) or the ``extras`` list of key/value pairs (plain CKAN).
"""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne.types import Collectivite

_KEYS = ("kind", "siren", "insee", "epci_siren", "website", "email")


def _value(org: dict[str, Any], key: str) -> str:
    value = org.get(key)
    if value in (None, ""):
        value = next(
            (e.get("value") for e in org.get("extras") or [] if e.get("key") == key),
            None,
        )
    return str(value).strip() if value not in (None, "") else ""


def identity(org: dict[str, Any]) -> Collectivite:
    """The identity of the collectivité behind an organisation dict."""
    values = {key: _value(org, key) for key in _KEYS}
    return Collectivite(
        id=org.get("id") or "",
        name=org.get("name") or "",
        title=org.get("title") or org.get("display_name") or org.get("name") or "",
        kind=values["kind"],
        siren=values["siren"],
        insee=tuple(values["insee"].split()),
        epci_siren=values["epci_siren"],
        website=values["website"],
        email=values["email"],
    )


def has_identity(org: dict[str, Any]) -> bool:
    """Whether an organisation dict carries identity fields at all (a dict
    from package_search does not: only id, name, title and the like)."""
    return any(_value(org, key) for key in ("kind", "siren", "insee"))
