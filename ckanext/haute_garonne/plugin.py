"""The haute_garonne plugin: a table of contents, no logic.

Behaviour lives in the modules the blanket decorators read (``helpers.py``,
``config_declaration.yaml``) and, as the extension grows, in mixins under
``implementations/``.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation


@tk.blanket.config_declarations
@tk.blanket.helpers
class HauteGaronnePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config_: CKANConfig) -> None:
        tk.add_template_directory(config_, "templates")
