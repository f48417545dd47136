"""The Table Designer's extension points (IColumnTypes, IColumnConstraints):
our column types and constraints for online tables (``entry/``)."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p

from ckanext.tabledesigner.interfaces import IColumnConstraints, IColumnTypes

from ckanext.haute_garonne.entry import column_types


class TableDesignerMixin(p.SingletonPlugin):
    p.implements(IColumnTypes)
    p.implements(IColumnConstraints)

    # IColumnTypes

    def column_types(self, existing_types: dict[str, Any]) -> dict[str, Any]:
        return column_types.column_types(existing_types)

    # IColumnConstraints

    def column_constraints(
        self, existing_constraints: dict[str, Any], column_types_: dict[str, Any]
    ) -> dict[str, Any]:
        return column_types.column_constraints(existing_constraints)
