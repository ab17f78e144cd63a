"""Code systems as SKOS in Turtle, with rdflib.

The system is a ``skos:ConceptScheme`` whose IRI is ``cs.url`` (``dct:identifier`` name,
``dct:title``, ``owl:versionInfo``, ``dct:description``, ``dct:publisher``, ``dct:source``,
``dct:license``). Each concept is ``<cs.url>/<url-quoted code>``, a ``skos:Concept`` with
``skos:notation`` (the code), ``skos:prefLabel``/``skos:altLabel`` in French, ``skos:broader`` per
parent, ``skos:inScheme``, ``skos:topConceptOf`` for roots, ``owl:deprecated true`` and
``dct:isReplacedBy``. The import also reads ``skos:narrower`` as the inverse of ``broader``.

SKOS has no word for the rest, so COSAR terms carry it (``COSAR`` namespace): ``cosar:level``;
an undated property is one triple ``<PROPERTY namespace + quoted code> value`` (typed literal);
a dated one is a blank node ``cosar:datedProperty [ cosar:propertyCode; rdf:value;
cosar:validFrom; cosar:validTo ]``. A consumer that knows only SKOS sees the hierarchy, labels
and deprecations and ignores those.

What is lost: RDF is unordered, so the order of the concepts and of parents, synonyms,
replacements and properties is not kept; ``parse_skos`` returns concepts sorted by code and the
multi-valued fields sorted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from urllib.parse import quote, unquote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS
from rdflib.term import Node

from thesaurus.domain.model import (
    CodeSystemData,
    ConceptData,
    ConceptStatus,
    ImportProblem,
    Property,
    PropertyValue,
)
from thesaurus.interchange.errors import ImportRejected, decode_utf8, reject_if_invalid

COSAR = Namespace("https://cosar.example/ns/thesaurus#")
PROPERTY = Namespace("https://cosar.example/ns/thesaurus/property/")
LANGUAGE = "fr"


def concept_iri(cs_url: str, code: str) -> URIRef:
    """The IRI of concept ``code`` in the system at ``cs_url``."""
    return URIRef(f"{cs_url.rstrip('/')}/{quote(code, safe='')}")


def to_skos(cs: CodeSystemData) -> str:
    """``cs`` as a SKOS concept scheme in Turtle."""
    graph = Graph()
    for prefix, namespace in (("skos", SKOS), ("dct", DCTERMS), ("owl", OWL), ("cosar", COSAR)):
        graph.bind(prefix, namespace)
    graph.bind("prop", PROPERTY)
    scheme = URIRef(cs.url)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, DCTERMS.identifier, Literal(cs.name)))
    graph.add((scheme, DCTERMS.title, Literal(cs.title, lang=LANGUAGE)))
    graph.add((scheme, OWL.versionInfo, Literal(cs.version)))
    for predicate, text in (
        (DCTERMS.description, cs.description),
        (DCTERMS.publisher, cs.publisher),
        (DCTERMS.source, cs.source),
        (DCTERMS.license, cs.licence),
    ):
        if text is not None:
            graph.add((scheme, predicate, Literal(text)))
    for concept in cs.concepts:
        _add_concept(graph, scheme, cs.url, concept)
    return graph.serialize(format="turtle")


def parse_skos(content: bytes | str, *, name: str | None = None) -> CodeSystemData:
    """Read a SKOS concept scheme in Turtle; raise ``ImportRejected`` if it is unloadable.

    ``name`` overrides the scheme's ``dct:identifier`` (else the last segment of its IRI).
    Each concept's ``source_ref`` is its IRI.
    """
    text = decode_utf8(content)
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        line = getattr(error, "lines", None)
        where = f"ligne {line + 1}" if isinstance(line, int) else "Turtle"
        why = getattr(error, "_why", None) or str(error).splitlines()[0]
        raise ImportRejected([ImportProblem(where, None, f"Turtle invalide : {why}")]) from None
    schemes = sorted(set(graph.subjects(RDF.type, SKOS.ConceptScheme)), key=str)
    if len(schemes) != 1:
        message = f"un skos:ConceptScheme attendu, {len(schemes)} trouvé(s)"
        raise ImportRejected([ImportProblem("ConceptScheme", None, message)])
    scheme = schemes[0]
    problems: list[ImportProblem] = []
    subjects = sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str)
    codes = {iri: _notation(graph, iri, problems) for iri in subjects}
    # Every link resolves through this table; an IRI outside the file falls back to its last
    # segment so that validate() names it as a missing parent or replacement.
    narrower_of: dict[Node, list[Node]] = defaultdict(list)
    for broader, narrower in graph.subject_objects(SKOS.narrower):
        narrower_of[narrower].append(broader)
    concepts = [_read_concept(graph, iri, codes, narrower_of[iri], problems) for iri in subjects]
    concepts.sort(key=lambda concept: concept.code)
    reject_if_invalid(concepts, problems)
    identifier = graph.value(scheme, DCTERMS.identifier)
    scheme_name = name or (str(identifier) if identifier else _last_segment(scheme))
    title = graph.value(scheme, DCTERMS.title)
    return CodeSystemData(
        name=scheme_name,
        url=str(scheme),
        title=str(title) if title else scheme_name,
        version=str(graph.value(scheme, OWL.versionInfo) or ""),
        description=_text(graph.value(scheme, DCTERMS.description)),
        publisher=_text(graph.value(scheme, DCTERMS.publisher)),
        source=_text(graph.value(scheme, DCTERMS.source)),
        licence=_text(graph.value(scheme, DCTERMS.license)),
        concepts=concepts,
    )


def _add_concept(graph: Graph, scheme: URIRef, url: str, concept: ConceptData) -> None:
    iri = concept_iri(url, concept.code)
    graph.add((iri, RDF.type, SKOS.Concept))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.notation, Literal(concept.code)))
    graph.add((iri, SKOS.prefLabel, Literal(concept.display, lang=LANGUAGE)))
    for synonym in concept.synonyms:
        graph.add((iri, SKOS.altLabel, Literal(synonym, lang=LANGUAGE)))
    for parent in concept.parents:
        graph.add((iri, SKOS.broader, concept_iri(url, parent)))
    if not concept.parents:
        graph.add((iri, SKOS.topConceptOf, scheme))
    if concept.level is not None:
        graph.add((iri, COSAR.level, Literal(concept.level)))
    if concept.status == ConceptStatus.DEPRECATED:
        graph.add((iri, OWL.deprecated, Literal(True)))
    for replacement in concept.replaced_by:
        graph.add((iri, DCTERMS.isReplacedBy, concept_iri(url, replacement)))
    for prop in concept.properties:
        if prop.valid_from is None and prop.valid_to is None:
            graph.add((iri, PROPERTY[quote(prop.code, safe="")], Literal(prop.value)))
            continue
        node = BNode()
        graph.add((iri, COSAR.datedProperty, node))
        graph.add((node, COSAR.propertyCode, Literal(prop.code)))
        graph.add((node, RDF.value, Literal(prop.value)))
        if prop.valid_from is not None:
            graph.add((node, COSAR.validFrom, Literal(prop.valid_from)))
        if prop.valid_to is not None:
            graph.add((node, COSAR.validTo, Literal(prop.valid_to)))


def _read_concept(
    graph: Graph,
    iri: Node,
    codes: dict[Node, str],
    narrower_of: list[Node],
    problems: list[ImportProblem],
) -> ConceptData:
    def code_of(node: Node) -> str:
        return codes.get(node) or _last_segment(node)

    labels = [o for o in graph.objects(iri, SKOS.prefLabel) if isinstance(o, Literal)]
    french = [label for label in labels if (label.language or "").startswith(LANGUAGE)]
    untagged = [label for label in labels if label.language is None]
    preferred = french or untagged or labels
    if len(preferred) > 1:
        problems.append(ImportProblem(str(iri), codes[iri], "plusieurs skos:prefLabel"))
    broader = {*graph.objects(iri, SKOS.broader), *narrower_of}
    deprecated = graph.value(iri, OWL.deprecated)
    level = _python(graph.value(iri, COSAR.level))
    return ConceptData(
        code=codes[iri],
        display=str(min(preferred, key=str)) if preferred else "",
        parents=tuple(sorted(code_of(node) for node in broader)),
        level=level if type(level) is int else None,
        synonyms=tuple(
            sorted(
                str(o)
                for o in graph.objects(iri, SKOS.altLabel)
                if isinstance(o, Literal) and (o.language is None or o.language.startswith("fr"))
            )
        ),
        status=ConceptStatus.DEPRECATED
        if isinstance(deprecated, Literal) and deprecated.toPython() is True
        else ConceptStatus.ACTIVE,
        replaced_by=tuple(sorted(code_of(o) for o in graph.objects(iri, DCTERMS.isReplacedBy))),
        properties=tuple(sorted(_properties(graph, iri), key=_property_key)),
        source_ref=str(iri),
    )


def _properties(graph: Graph, iri: Node) -> list[Property]:
    found: list[Property] = []
    for predicate, obj in graph.predicate_objects(iri):
        if isinstance(predicate, URIRef) and predicate.startswith(str(PROPERTY)):
            code = unquote(predicate[len(str(PROPERTY)) :])
            found.append(Property(code, _python(obj)))
    for node in graph.objects(iri, COSAR.datedProperty):
        found.append(
            Property(
                str(graph.value(node, COSAR.propertyCode)),
                _python(graph.value(node, RDF.value)),
                _date(graph.value(node, COSAR.validFrom)),
                _date(graph.value(node, COSAR.validTo)),
            )
        )
    return found


def _property_key(prop: Property) -> tuple[str, date, date, str]:
    return (prop.code, prop.valid_from or date.min, prop.valid_to or date.max, repr(prop.value))


def _python(node: Node | None) -> PropertyValue:
    value = node.toPython() if isinstance(node, Literal) else node
    if isinstance(value, Decimal):  # xsd:decimal written by another tool
        return float(value)
    # Typed literals come back as bool, int or float; anything else is kept as text.
    return value if isinstance(value, bool | int | float | str) else str(value)


def _date(node: Node | None) -> date | None:
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, date) else None


def _notation(graph: Graph, iri: Node, problems: list[ImportProblem]) -> str:
    values = sorted(str(o) for o in graph.objects(iri, SKOS.notation))
    if len(values) > 1:
        problems.append(ImportProblem(str(iri), values[0], "plusieurs skos:notation"))
    if not values:
        problems.append(ImportProblem(str(iri), None, "skos:notation manquant"))
    return values[0] if values else ""


def _last_segment(node: Node) -> str:
    return unquote(str(node).rstrip("/").rsplit("/", 1)[-1])


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)
