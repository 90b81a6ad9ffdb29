"""Values whose text is not a value of their datatype ("abc" as a decimal, month 13 as a date), under any
property: the checks of a property read such a value as nothing, and a property no shape checks would let it
through without a word. One finding per value, at the statement that holds it."""
from __future__ import annotations

from rdflib.namespace import SH

from evkg.core.namespaces import EVSH

ILL_TYPED_SHAPE = EVSH["S-wellFormedValue"]


def ill_typed_results(submitted) -> list:
    """RawResults for every literal of the submitted data that rdflib cannot read as a value of its datatype."""
    from evkg.core import resources
    from evkg.validation.compiled import DATA_GRAPH, RawResult

    messages = frozenset(str(m) for m in resources.shapes_graph().objects(ILL_TYPED_SHAPE, SH.message))
    as_rdflib = submitted.as_rdflib
    results = []
    # Oxigraph reads the common datatypes itself (a cast of an ill-formed value fails), so only those it cannot
    # read, and values of rarer XSD datatypes, are handed to rdflib to decide: most values cost no Python
    for subject, predicate, value in submitted.store.query(f"""
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            SELECT ?s ?p ?o WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }}
              FILTER(isLiteral(?o) && lang(?o) = "")
              BIND(datatype(?o) AS ?dt)
              FILTER(STRSTARTS(STR(?dt), STR(xsd:)) && ?dt != xsd:string)
              BIND(IF(?dt = xsd:decimal, xsd:decimal(?o), IF(?dt = xsd:integer, xsd:integer(?o),
                   IF(?dt = xsd:double, xsd:double(?o), IF(?dt = xsd:boolean, xsd:boolean(?o),
                   IF(?dt = xsd:date, xsd:date(?o), IF(?dt = xsd:dateTime, xsd:dateTime(?o), "other")))))) AS ?read)
              FILTER(!BOUND(?read) || ?read = "other") }}"""):
        literal = as_rdflib[value]
        if getattr(literal, "ill_typed", False):
            results.append(RawResult(focus=as_rdflib[subject], path=as_rdflib[predicate], value=literal,
                                     shape=ILL_TYPED_SHAPE, severity=SH.Violation, messages=messages,
                                     component=SH.DatatypeConstraintComponent))
    return results
