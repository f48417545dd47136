from __future__ import annotations

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.haute_garonne import config


def test_plugin_is_loaded():
    assert p.plugin_loaded("haute_garonne")


def test_status_show_lists_the_extension():
    status = call_action("status_show")
    assert "haute_garonne" in status["extensions"]


def test_department_name_defaults_to_haute_garonne():
    assert config.department_name() == "Haute-Garonne"
    assert config.department_code() == "31"


@pytest.mark.ckan_config("ckanext.haute_garonne.department_name", "Ariège")
def test_department_name_can_be_configured():
    assert config.department_name() == "Ariège"
    assert tk.h.haute_garonne_department_name() == "Ariège"
