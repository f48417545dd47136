"""The haute_garonne plugin: a table of contents, no logic.

Behaviour lives in the modules the blanket decorators read (``helpers.py``,
``logic/``, ``views.py``, ``cli.py``, ``config_declaration.yaml``), in the
interface mixins of ``implementations/`` and, behind them, in the rooms
(``uploads/``, ``collectivites/``, ``socle/``, ``dcat/``, ``standards/``,
``validation/``): see the README's code map.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.haute_garonne import config, logic
from ckanext.haute_garonne.implementations.fork_observer import ForkObserverMixin
from ckanext.haute_garonne.implementations.package_controller import (
    ValidationIndexMixin,
)
from ckanext.haute_garonne.implementations.resource_controller import (
    ResourceValidationMixin,
)
from ckanext.haute_garonne.implementations.signals import SignalsMixin
from ckanext.haute_garonne.implementations.table_designer import TableDesignerMixin


@tk.blanket.actions(logic.actions)
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
class HauteGaronnePlugin(
    ResourceValidationMixin,
    ValidationIndexMixin,
    SignalsMixin,
    TableDesignerMixin,
    ForkObserverMixin,
    p.SingletonPlugin,
    DefaultTranslation,
):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config_: CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")
        # The portal's licences (Licence Ouverte 2.0 and ODbL), unless the
        # site chose its own list.
        if not config_.get("licenses_group_url"):
            config_["licenses_group_url"] = config.licenses_file_url()
        # After logging in, a publisher lands on "Ma collectivité" and a
        # sysadmin on the socle commun, unless the site chose another page.
        if config_.get("ckan.auth.route_after_login") in (
            None,
            "",
            "dashboard.datasets",
        ):
            config_["ckan.auth.route_after_login"] = "haute_garonne.after_login"
        # No page calls a third-party host: no Gravatar avatars (CKAN's
        # local placeholder instead), unless the site chose otherwise.
        if config_.get("ckan.gravatar_default") in (None, "", "identicon"):
            config_["ckan.gravatar_default"] = "disabled"
        # The main search lists every type of dataset, with a facet by type.
        shown = str(config_.get("ckan.search.show_all_types") or "").lower()
        if shown in ("", "none", "false", "0", "no", "off"):
            config_["ckan.search.show_all_types"] = "dataset"
        # Collectivités' logos and banners: PNG, JPEG or WebP, never SVG.
        config_["ckan.upload.group.mimetypes"] = [
            "image/png",
            "image/jpeg",
            "image/webp",
        ]
        config_["ckan.upload.group.types"] = ["image"]
        tk.add_resource("assets", "haute_garonne")
        tk.add_public_directory(config_, "public")
        # The portal's logo, unless the site chose its own (CKAN's site
        # settings: ckan.site_logo, or the sysadmin's configuration page).
        if config_.get("ckan.site_logo") == config.CKAN_DEFAULT_LOGO:
            config_["ckan.site_logo"] = config.PORTAL_LOGO
