"""Field documentation of a standard version, from the schema file we wrote:
what the public standards page, the API and the templates show."""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.types import FieldDoc, SchemaVersion

_CONSTRAINT_KEYS = ("pattern", "enum", "minimum", "maximum", "minLength", "maxLength")


def _table_field(field: dict[str, Any]) -> FieldDoc:
    constraints = dict(field.get("constraints", {}))
    required = bool(constraints.pop("required", False))
    return {
        "name": field["name"],
        "title": field.get("title", ""),
        "description": field.get("description", ""),
        "type": field.get("type", "string"),
        "format": field.get("format", "default"),
        "required": required,
        "constraints": constraints,
        "example": field.get("example", ""),
    }


def _json_fields(schema: dict[str, Any]) -> list[FieldDoc]:
    """Properties of the main object of a JSON Schema, one level deep:
    the object the file lists (e.g. a marché), found through ``$ref``s."""
    definitions = schema.get("definitions", {}) | schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def wraps(node: dict[str, Any]) -> bool:
        """A wrapper: one property, or only lists (e.g. marchés, concessions)."""
        props = [resolve(p) for p in node.get("properties", {}).values()]
        return len(props) == 1 or (
            bool(props) and all(p.get("type") == "array" for p in props)
        )

    node = resolve(schema)
    # Descend through the wrapping objects down to the first listed item.
    while wraps(node):
        child = resolve(next(iter(node["properties"].values())))
        node = (
            resolve(child.get("items", child))
            if child.get("type") == "array"
            else child
        )
    if node.get("type") == "array":
        node = resolve(node["items"])
    required = set(node.get("required", []))
    docs = []
    for name, prop in node.get("properties", {}).items():
        prop = resolve(prop)
        docs.append(
            {
                "name": name,
                "title": prop.get("title", ""),
                "description": prop.get("description", ""),
                "type": prop.get(
                    "type", "object" if "properties" in prop else "string"
                ),
                "format": prop.get("format", "default"),
                "required": name in required,
                "constraints": {k: prop[k] for k in _CONSTRAINT_KEYS if k in prop},
                "example": prop.get("examples", [""])[0]
                if prop.get("examples")
                else "",
            }
        )
    return docs


def document_fields(version: SchemaVersion) -> list[FieldDoc]:
    descriptor = load_descriptor(version.path)
    if version.kind == "table":
        return [_table_field(f) for f in descriptor["fields"]]
    return _json_fields(descriptor)


def custom_checks(version: SchemaVersion) -> list[dict[str, Any]]:
    return list(load_descriptor(version.path).get("custom_checks", []))
