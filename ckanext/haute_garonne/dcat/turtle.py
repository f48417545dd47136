"""A Turtle writer for the catalogues' graphs.

rdflib's Turtle serializer works out a prefixed name for every URI of the
graph by splitting it (``split_uri``, a namespace trie), sorts every subject
by class and nests blank nodes: for a catalogue page of 100 datasets it takes
as long as building the graph. Harvesters walk every page, so the catalogues
write their Turtle here instead, in one pass:

- one block per subject, its predicates and objects sorted (the catalogue
  first, then the datasets, the distributions and the other nodes, each
  group in URI order), so that the same graph always gives the same text;
- prefixed names for the namespaces the graph binds, and only for local
  names that every Turtle reader accepts; full IRIs otherwise;
- blank nodes as ``_:b0``, ``_:b1``… labels;
- literals with their language or datatype, escaped as Turtle requires.

An IRI that holds characters Turtle forbids in ``<…>`` is written with them
percent-encoded (the profile already mends the links of datasets and files,
``uris.mended_iri``), where rdflib gives up on the whole feed. Other formats
(RDF/XML, JSON-LD, N3) stay rdflib's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ckanext.dcat.profiles import DCAT

from ckanext.haute_garonne.dcat import uris

__all__ = ["serialize"]

# PN_PREFIX and a PN_LOCAL every Turtle 1.1 reader takes (no escapes, no
# dot, no colon): anything else is written as a full IRI.
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")

# ECHAR escapes of a short string; every other character is written as is.
_STRING_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)

# Blocks in this order of their subject's first class; then the rest.
_ORDER = (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution)


class _Writer:
    def __init__(self, graph: Graph) -> None:
        self._namespaces: dict[str, str] = {}
        for prefix, namespace in graph.namespaces():
            if prefix and _PREFIX.match(prefix) and str(namespace)[-1:] in "/#":
                # The first prefix rdflib gives for a namespace wins.
                self._namespaces.setdefault(str(namespace), prefix)
        self.used: dict[str, str] = {}
        self._terms: dict[Node, str] = {}
        self._blank: dict[BNode, str] = {}

    def iri(self, uri: str) -> str:
        cut = max(uri.rfind("/"), uri.rfind("#")) + 1
        namespace, local = uri[:cut], uri[cut:]
        prefix = self._namespaces.get(namespace)
        if prefix is not None and _LOCAL.match(local):
            self.used[prefix] = namespace
            return f"{prefix}:{local}"
        return "<" + uris.mended_iri(uri) + ">"

    def term(self, node: Node) -> str:
        found = self._terms.get(node)
        if found is not None:
            return found
        if isinstance(node, URIRef):
            found = self.iri(str(node))
        elif isinstance(node, BNode):
            found = self._blank.setdefault(node, f"_:b{len(self._blank)}")
        elif isinstance(node, Literal):
            found = '"' + str(node).translate(_STRING_ESCAPES) + '"'
            if node.language:
                found += "@" + node.language
            elif node.datatype is not None:
                found += "^^" + self.iri(str(node.datatype))
        else:  # a variable or a graph: not in a catalogue
            raise ValueError(f"Cannot write {node!r} in Turtle")
        self._terms[node] = found
        return found

    def predicate(self, node: Node) -> str:
        return "a" if node == RDF.type else self.term(node)


def _subject_key(subject: Node, classes: dict[Node, set[Node]]) -> tuple[int, int, str]:
    types = classes.get(subject, set())
    rank = next((n for n, cls in enumerate(_ORDER) if cls in types), len(_ORDER))
    return (rank, isinstance(subject, BNode), str(subject))


def serialize(graph: Graph) -> str:
    """The graph in Turtle, with the prefixes it binds."""
    writer = _Writer(graph)
    by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(
        lambda: defaultdict(list)
    )
    classes: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in graph:
        by_subject[s][p].append(o)
        if p == RDF.type:
            classes[s].add(o)

    blocks: list[str] = []
    for subject in sorted(by_subject, key=lambda s: _subject_key(s, classes)):
        predicates = by_subject[subject]
        lines = []
        # rdf:type first, then the predicates in the order of their text.
        names = sorted(
            predicates,
            key=lambda p: (p != RDF.type, writer.term(p)),
        )
        for predicate in names:
            objects = _objects(writer, predicates[predicate])
            lines.append(f"    {writer.predicate(predicate)} {objects}")
        blocks.append(writer.term(subject) + "\n" + " ;\n".join(lines) + " .\n")

    header = "".join(
        f"@prefix {prefix}: <{namespace}> .\n"
        for prefix, namespace in sorted(writer.used.items())
    )
    return header + "\n" + "\n".join(blocks)


def _objects(writer: _Writer, objects: Iterable[Node]) -> str:
    return ",\n        ".join(sorted(writer.term(o) for o in objects))
