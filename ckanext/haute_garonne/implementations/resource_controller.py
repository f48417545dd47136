"""Upload-time validation of SCDL files (IResourceController): the hooks
hand each new file to ``uploads.service`` and store its outcome once the
resource is saved."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.haute_garonne.uploads import service


class ResourceValidationMixin(p.SingletonPlugin):
    p.implements(p.IResourceController, inherit=True)

    def before_resource_create(
        self, context: Context, resource: dict[str, Any]
    ) -> None:
        self._check(context, resource, None)

    def before_resource_update(
        self, context: Context, current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        self._check(context, resource, current)

    def after_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        self._record(context, resource)

    def after_resource_update(self, context: Context, resource: dict[str, Any]) -> None:
        self._record(context, resource)

    def _check(
        self, context: Context, resource: dict[str, Any], current: dict[str, Any] | None
    ) -> None:
        if service.new_file(resource, current) is None:
            return
        package_id = resource.get("package_id") or (current or {}).get("package_id")
        dataset = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": package_id}
        )
        checked = service.check_file(context, dataset, resource, current)
        if checked is not None:
            service.stash(context, checked)

    def _record(self, context: Context, resource: dict[str, Any]) -> None:
        checked = service.take(context)
        if checked is not None:
            service.record(resource, checked)
