"""The report store only stores, and tells the rest of the portal."""

from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.model import INVALID, VALID
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.uploads import signals, store


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_storing_a_report_sends_report_recorded(make_dataset):
    # A generic dataset's resource may have no file yet (an SCDL dataset's
    # may not), so that creating it validates nothing.
    dataset = make_dataset()
    resource = call_action(
        "resource_create", package_id=dataset["id"], url="", name="Fichier"
    )
    version = registry.get_standard("subventions").latest
    received = []

    def listener(sender, **kwargs):
        received.append((sender, kwargs["record"]))

    with signals.report_recorded.connected_to(listener):
        store.save(resource, "abc", version, {"status": "invalid"}, INVALID)
        store.save(resource, "def", version, {"status": "valid"}, VALID)

    assert [r.status for _, r in received] == [INVALID, VALID]
    assert received[0][0] == resource["id"]
    assert received[0][1].previous_status is None
    assert received[1][1].package_id == dataset["id"]
    assert received[1][1].standard == "subventions"


def test_a_report_status_maps_to_one_stored_status():
    assert store.stored_status({"status": "valid"}) == "valid"
    assert store.stored_status({"status": "invalid"}) == "invalid"
    assert store.stored_status({"status": "error"}) == "error"
    assert store.stored_status({}) == "error"
