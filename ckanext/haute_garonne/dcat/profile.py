"""Our DCAT-AP profile, stacked on ckanext-dcat's ``euro_dcat_ap_3``:
``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 haute_garonne``.

It maps only what the stock profile does not, or does not the way harvesters
(data.gouv.fr, data.europa.eu) need it:

- the publisher: the collectivité as a ``foaf:Organization`` with its SIREN
  as ``dct:identifier`` and a URI built on it (``dcat/uris.py``), in place
  of the stock fallback on the organisation's portal page;
- licences as URIs data.gouv.fr recognises, on the dataset and on every
  distribution;
- ``dct:spatial`` from the INSEE codes of the dataset's territory;
- the standard an SCDL file follows: ``dct:conformsTo`` with the exact
  versioned schema.data.gouv.fr URL, on its distribution (and the dataset's
  own standard version on the dataset);
- distributions: a stable identifier, a direct file link as
  ``dcat:downloadURL``, format and media type as EU and IANA URIs; a
  resource without an absolute URL (no file, no link) is no distribution:
  it is left out, as DCAT-AP requires a ``dcat:accessURL``;
- classes on linked nodes (themes, language, licences…), as DCAT-AP's range
  shapes expect.

The parser side reads the same graph back: dataset type, standard and version,
licence and territory.
"""

from __future__ import annotations

import json
import mimetypes
import re
from typing import Any
from urllib.parse import urlparse

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDF, RDFS, SKOS
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import (
    catalog_uri,
    publisher_uri_organization_fallback,
    resource_uri,
)

from ckanext.haute_garonne.collectivites import identity as collectivites
from ckanext.haute_garonne.dcat import uris
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import Collectivite

# Key of the collectivité an organisation dict carries once enriched by the
# catalogue (so that the profile does not look it up again).
IDENTITY_KEY = "haute_garonne_identity"

# Formats of link resources that are pages or services, not files.
_NOT_FILES = {"HTML", "API", ""}

# Namespaces of the vocabularies a catalogue links to, bound in its graph:
# rdflib's Turtle writer remembers the short name of a URI only when its
# namespace has a prefix, and splits it again at each of its occurrences
# otherwise (the language or the frequency, once per dataset of a page).
_PREFIXES = {
    "eufreq": "http://publications.europa.eu/resource/authority/frequency/",
    "eutheme": "http://publications.europa.eu/resource/authority/data-theme/",
    "etalab": "https://www.etalab.gouv.fr/",
    "eulang": "http://publications.europa.eu/resource/authority/language/",
    "eufiletype": "http://publications.europa.eu/resource/authority/file-type/",
    "adms_type": "http://purl.org/adms/publishertype/",
    "iana_text": "https://www.iana.org/assignments/media-types/text/",
    "iana_application": "https://www.iana.org/assignments/media-types/application/",
}

# The scheming schema of each dataset type and the labels of its themes,
# with the action that gave them: a schema is fixed for the life of the
# process, but another set of plugins (a test's) builds other actions.
_schemas: dict[str, tuple[Any, dict[str, Any] | None, dict[str, dict[str, str]]]] = {}


def _schema_of(dataset_type: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The scheming schema of a dataset type (None without scheming) and
    its EU theme URI -> labels by language (our preset's choices)."""
    try:
        show = tk.get_action("scheming_dataset_schema_show")
    except KeyError:
        return None, {}
    cached = _schemas.get(dataset_type)
    if cached is None or cached[0] is not show:
        try:
            schema = show({}, {"type": dataset_type})
        except tk.ObjectNotFound as e:
            raise tk.ObjectNotFound(f"Unknown dataset schema: {dataset_type}") from e
        field: dict[str, Any] = next(
            (f for f in schema["dataset_fields"] if f["field_name"] == "theme"), {}
        )
        labels = {
            c["value"]: c["label"]
            for c in field.get("choices", [])
            if isinstance(c.get("label"), dict)
        }
        cached = _schemas[dataset_type] = (show, schema, labels)
    return cached[1], cached[2]


# Characters XML 1.0 cannot carry, even escaped.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _mended(term: Node) -> Node | None:
    """``term`` made writable in every format, or None when it is."""
    if isinstance(term, URIRef):
        if uris.iri_needs_mending(term):
            return URIRef(uris.mended_iri(term))
    elif isinstance(term, Literal) and _NOT_IN_XML.search(term):
        return Literal(
            _NOT_IN_XML.sub(" ", term), lang=term.language, datatype=term.datatype
        )
    return None


def organization_identity(org: dict[str, Any]) -> Collectivite:
    """The collectivité of an organisation dict, read from the database when
    the dict does not carry its identity (search results do not)."""
    if isinstance(org.get(IDENTITY_KEY), Collectivite):
        return org[IDENTITY_KEY]
    if not collectivites.has_identity(org) and org.get("id"):
        group = model.Group.get(org["id"])
        if group is not None:
            extras = [{"key": k, "value": v} for k, v in group.extras.items()]
            org = {**org, "extras": extras}
    return collectivites.identity(org)


def has_url(resource_dict: dict[str, Any]) -> bool:
    """Whether a resource has an absolute URL to serve as its distribution's
    ``dcat:accessURL`` (an upload's download URL, or a link)."""
    try:
        parsed = urlparse((resource_dict.get("url") or "").strip())
    except ValueError:
        return False
    return bool(parsed.scheme and parsed.netloc)


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.split()
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value or [] if v]


class HauteGaronneDCATProfile(RDFProfile):
    """Collectivités, SCDL standards and French licences in DCAT-AP 3."""

    def __init__(
        self,
        graph: Any,
        dataset_type: str = "dataset",
        compatibility_mode: bool = False,
    ) -> None:
        # The stock constructor, without its call of scheming's schema action
        # for every dataset of a catalogue page (``_schema_of`` keeps it).
        self.g = graph
        self.compatibility_mode = compatibility_mode
        self._default_lang = tk.config.get("ckan.locale_default", "en")
        self._default_locale_lang = None
        schema, self._themes = _schema_of(dataset_type)
        if schema:
            self._dataset_schema = schema
            self._form_languages = schema.get("form_languages")

    # Serialisation -----------------------------------------------------------

    def graph_from_dataset(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef
    ) -> None:
        g = self.g
        g.bind("hydra", "http://www.w3.org/ns/hydra/core#")
        site = catalog_uri().rstrip("/")
        dataset_type = dataset_dict.get("type") or registry.GENERIC_DATASET_TYPE

        self._typed(
            dataset_ref,
            DCAT.landingPage,
            f"{site}/{dataset_type}/{dataset_dict['id']}",
            FOAF.Document,
        )
        self._typed(dataset_ref, DCT.language, uris.LANGUAGE_FR, DCT.LinguisticSystem)
        labels = self._themes
        for theme in g.objects(dataset_ref, DCAT.theme):
            g.add((theme, RDF.type, SKOS.Concept))
            for lang, label in labels.get(str(theme), {}).items():
                g.add((theme, SKOS.prefLabel, Literal(label, lang=lang)))

        org = dataset_dict.get("organization")
        if org:
            self._publisher(dataset_dict, dataset_ref, organization_identity(org))

        licence = uris.licence(dataset_dict.get("license_id") or "")
        self._licence(dataset_ref, licence)

        for code in _list(dataset_dict.get("territory")):
            self._typed(dataset_ref, DCT.spatial, uris.spatial_uri(code), DCT.Location)

        own = registry.schema_version_for(dataset_dict)
        if own is not None and dataset_type != registry.GENERIC_DATASET_TYPE:
            self._typed(dataset_ref, DCT.conformsTo, own.url, DCT.Standard)

        # Links and text the stock profile and this one wrote, mended once.
        distributions: list[Node] = [dataset_ref]
        for resource_dict in dataset_dict.get("resources", []):
            if has_url(resource_dict):
                distributions.append(
                    self._distribution(dataset_dict, resource_dict, licence)
                )
            else:
                self._drop_distribution(dataset_ref, resource_dict)
        self._mend(distributions)

    def _mend(self, nodes: list[Node]) -> None:
        """Make the terms of these nodes, and of the blank nodes they link
        to (a contact point, a checksum, a period…), writable in every
        format:

        - links: what an IRI forbids is percent-encoded (a publisher's link
          with a space or quotes, a contact's ``mailto:`` with braces, which
          e-mail addresses may hold); rdflib's Turtle and N3 writers refuse
          the whole graph otherwise;
        - text: control characters XML forbids (a vertical tab pasted from a
          spreadsheet) become spaces; rdflib's RDF/XML writer writes them as
          they are, and no harvester can read the page then.
        """
        g = self.g
        pending, seen = list(nodes), set(nodes)
        while pending:
            node = pending.pop()
            for predicate, obj in list(g.predicate_objects(node)):
                if isinstance(obj, BNode) and obj not in seen:
                    seen.add(obj)
                    pending.append(obj)
                mended = _mended(obj)
                if mended is None:
                    continue
                g.remove((node, predicate, obj))
                g.add((node, predicate, mended))
                for cls in list(g.objects(obj, RDF.type)):
                    g.remove((obj, RDF.type, cls))
                    g.add((mended, RDF.type, cls))

    def _typed(self, subject: Node, predicate: URIRef, uri: str, cls: URIRef) -> None:
        self.g.add((subject, predicate, URIRef(uri)))
        self.g.add((URIRef(uri), RDF.type, cls))

    def _publisher(
        self, dataset_dict: dict[str, Any], dataset_ref: URIRef, who: Collectivite
    ) -> None:
        g = self.g
        # Replace the stock fallback (the organisation's page on the portal).
        fallback = publisher_uri_organization_fallback(dataset_dict)
        for old in list(g.objects(dataset_ref, DCT.publisher)):
            g.remove((dataset_ref, DCT.publisher, old))
            if str(old) == fallback and (old, RDF.type, FOAF.Agent) in g:
                g.remove((old, None, None))
        g.add((dataset_ref, DCT.publisher, self.agent(who)))

    def agent(self, who: Collectivite) -> URIRef:
        """The collectivité as a ``foaf:Organization`` (also for catalogues)."""
        g = self.g
        site = catalog_uri().rstrip("/")
        ref = URIRef(
            uris.publisher_uri(who.siren) or f"{site}/organization/{who.id or who.name}"
        )
        if (ref, RDF.type, FOAF.Organization) in g:
            return ref
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, RDF.type, FOAF.Organization))
        g.add((ref, FOAF.name, Literal(who.title)))
        if who.siren:
            g.add((ref, DCT.identifier, Literal(who.siren)))
        if who.kind and who.kind != "autre":
            self._typed(ref, DCT.type, uris.LOCAL_AUTHORITY, SKOS.Concept)
            g.set(
                (
                    URIRef(uris.LOCAL_AUTHORITY),
                    SKOS.prefLabel,
                    Literal("Local Authority", lang="en"),
                )
            )
        homepage = who.website or f"{site}/organization/{who.name or who.id}"
        g.add((ref, FOAF.homepage, URIRef(homepage)))
        g.add((URIRef(homepage), RDF.type, FOAF.Document))
        if who.email:
            g.add((ref, FOAF.mbox, URIRef(f"mailto:{who.email}")))
        self._mend([ref])
        return ref

    def _licence(self, subject: Node, licence: tuple[str, str] | None) -> None:
        g = self.g
        for old in list(g.objects(subject, DCT.license)):
            g.remove((subject, DCT.license, old))
        if licence is None:
            return
        uri, title = licence
        ref = URIRef(uri)
        g.add((subject, DCT.license, ref))
        if (ref, RDF.type, DCT.LicenseDocument) not in g:
            g.add((ref, RDF.type, DCT.LicenseDocument))
            g.add((ref, DCT.title, Literal(title)))

    def _distribution(
        self,
        dataset_dict: dict[str, Any],
        resource_dict: dict[str, Any],
        licence: tuple[str, str] | None,
    ) -> URIRef:
        g = self.g
        distribution = URIRef(resource_uri(resource_dict))
        g.add((distribution, DCT.identifier, Literal(resource_dict["id"])))
        self._licence(distribution, licence)

        # The file itself (the stock profile's dcat:accessURL is its URL too).
        url = resource_dict.get("url") or ""
        fmt = (resource_dict.get("format") or "").strip()
        is_file = resource_dict.get("url_type") == "upload" or (
            fmt.upper() not in _NOT_FILES
        )
        if url.startswith(("http://", "https://")):
            # DCAT-AP's range shapes want the class of the linked resource.
            g.add((URIRef(url), RDF.type, RDFS.Resource))
            if is_file:
                g.set((distribution, DCAT.downloadURL, URIRef(url)))

        # Format and media type as URIs of the EU and IANA vocabularies.
        file_type = uris.file_type_uri(fmt)
        if file_type:
            for old in list(g.objects(distribution, DCT["format"])):
                g.remove((distribution, DCT["format"], old))
            self._typed(distribution, DCT["format"], file_type, DCT.MediaTypeOrExtent)
        mimetype = resource_dict.get("mimetype") or (
            mimetypes.guess_type(f"file.{fmt.lower()}")[0] if fmt else None
        )
        media_type = uris.media_type_uri(mimetype or "")
        if media_type:
            for old in list(g.objects(distribution, DCAT.mediaType)):
                g.remove((distribution, DCAT.mediaType, old))
            self._typed(distribution, DCAT.mediaType, media_type, DCT.MediaType)

        version = registry.schema_version_for(dataset_dict, resource_dict)
        if version is not None:
            self._typed(distribution, DCT.conformsTo, version.url, DCT.Standard)
        return distribution

    def _drop_distribution(
        self, dataset_ref: URIRef, resource_dict: dict[str, Any]
    ) -> None:
        """Take out what the stock profile wrote of a resource without a
        URL: its link from the dataset, its triples and its blank nodes
        (checksum…); shared nodes such as licences stay."""
        g = self.g
        distribution = URIRef(resource_uri(resource_dict))
        g.remove((dataset_ref, DCAT.distribution, distribution))
        pending: list[Node] = [distribution]
        while pending:
            node = pending.pop()
            for _p, o in list(g.predicate_objects(node)):
                if isinstance(o, BNode):
                    pending.append(o)
            g.remove((node, None, None))

    def graph_from_catalog(
        self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef
    ) -> None:
        g = self.g
        catalog_dict = catalog_dict or {}
        for prefix, namespace in _PREFIXES.items():
            g.bind(prefix, namespace)
        for old in list(g.objects(catalog_ref, DCT.language)):
            g.remove((catalog_ref, DCT.language, old))
        self._typed(catalog_ref, DCT.language, uris.LANGUAGE_FR, DCT.LinguisticSystem)
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        who = catalog_dict.get("publisher")
        if isinstance(who, Collectivite):
            publisher: Node = self.agent(who)
        else:
            publisher = BNode()
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, Literal(tk.config.get("ckan.site_title"))))
        g.add((catalog_ref, DCT.publisher, publisher))
        # A collectivité's description, as its catalogue's.
        self._mend([catalog_ref])

    # Parsing -----------------------------------------------------------------

    def parse_dataset(
        self, dataset_dict: dict[str, Any], dataset_ref: Node
    ) -> dict[str, Any]:
        g = self.g
        for licence in g.objects(dataset_ref, DCT.license):
            found = uris.licence_id(str(licence))
            if found:
                dataset_dict["license_id"] = found
                break

        codes = [
            code
            for spatial in g.objects(dataset_ref, DCT.spatial)
            if (code := uris.insee_code(str(spatial)))
        ]
        if codes:
            dataset_dict["territory"] = sorted(codes)

        for conforms in g.objects(dataset_ref, DCT.conformsTo):
            version = registry.version_for_url(str(conforms))
            if version is not None:
                dataset_dict["type"] = registry.dataset_type_of(version.standard).name
                dataset_dict["scdl_standard"] = version.standard
                dataset_dict["scdl_version"] = version.version
                break

        if "theme" in dataset_dict:
            dataset_dict["theme"] = _list(dataset_dict["theme"])

        distributions = {str(d): d for d in g.objects(dataset_ref, DCAT.distribution)}
        for resource_dict in dataset_dict.get("resources", []):
            node = distributions.get(resource_dict.get("distribution_ref") or "")
            for conforms in g.objects(node, DCT.conformsTo) if node else ():
                version = registry.version_for_url(str(conforms))
                if version is not None:
                    resource_dict["scdl_standard"] = version.standard
                    resource_dict["scdl_version"] = version.version
                    break
        return dataset_dict
