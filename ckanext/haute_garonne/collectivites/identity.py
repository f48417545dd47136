"""Who a collectivité is: its identity as recorded on its organisation, its
kind, and the rule that says which one is the Département.

Pure: no CKAN import. The identity is read from an organisation dict in
either form CKAN gives it: top-level keys (organisation fields declared with
ckanext-scheming) or the ``extras`` list of key/value pairs (plain CKAN).
"""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.types import Collectivite

__all__ = [
    "DEPARTMENT_KIND",
    "EPCI_KINDS",
    "KIND_LABELS",
    "flag",
    "has_identity",
    "identity",
    "is_the_department",
]

# The kinds of collectivité (the ``kind`` field of an organisation), with
# their labels (msgids, translated where shown).
KIND_LABELS = {
    "commune": N_("Commune"),
    "communaute_communes": N_("Communauté de communes"),
    "communaute_agglomeration": N_("Communauté d'agglomération"),
    "metropole": N_("Métropole"),
    "departement": N_("Département"),
    "syndicat": N_("Syndicat"),
    "autre": N_("Other"),
}

# Intercommunalités (EPCI à fiscalité propre): their members are communes.
EPCI_KINDS = ("communaute_communes", "communaute_agglomeration", "metropole")

DEPARTMENT_KIND = "departement"

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


def identity_from_extras(
    id: str, name: str, title: str, extras: dict[str, Any]
) -> Collectivite:
    """The identity of an organisation read from the database (its columns
    and its extras as a mapping)."""
    return identity(
        {
            "id": id,
            "name": name,
            "title": title,
            "extras": [{"key": k, "value": v} for k, v in extras.items()],
        }
    )


def is_the_department(collectivite: Collectivite, department_code: str) -> bool:
    """The one rule that says which organisation is the Département that runs
    the portal (publisher of the whole catalogue, owner of the consolidated
    files): an organisation of kind ``departement`` whose INSEE codes include
    the portal's département code (``ckanext.haute_garonne.department_code``).
    An organisation of kind ``departement`` with another code (a neighbour
    that publishes here) is not."""
    return (
        collectivite.kind == DEPARTMENT_KIND and department_code in collectivite.insee
    )


def flag(value: Any) -> bool | None:
    """A stored boolean extra ("True", "true", "False"...), None if unset."""
    if value is None or value == "":
        return None
    return str(value).strip().lower() in ("true", "1", "yes")
