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
from ckanext.haute_garonne.implementations.package_controller import (
    ValidationIndexMixin,
)
from ckanext.haute_garonne.implementations.resource_controller import (
    ResourceValidationMixin,
)
from ckanext.haute_garonne.implementations.signals import SignalsMixin


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
        # Collectivités' logos and banners: PNG, JPEG or WebP, never SVG.
        config_["ckan.upload.group.mimetypes"] = [
            "image/png",
            "image/jpeg",
            "image/webp",
        ]
        config_["ckan.upload.group.types"] = ["image"]
        tk.add_resource("assets", "haute_garonne")
