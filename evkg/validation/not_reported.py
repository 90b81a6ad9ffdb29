"""A fact marked as not reported (evkg:notReported) must be named by its vocabulary property: written as text
("vesicleKind") it marks nothing. Checked here rather than by a targeted shape so that marking a fact counts
for nothing in the completeness score, as the fact itself is still not met."""
from __future__ import annotations

from rdflib.namespace import SH

from evkg.core.namespaces import EVKG, EVSH

NAMED_AS_TEXT_SHAPE = EVSH["S-notReported"]


def facts_named_as_text(submitted) -> list:
    """RawResults for every evkg:notReported value that is not a name in the evkg vocabulary."""
    from evkg.core import resources
    from evkg.validation.compiled import DATA_GRAPH, RawResult

    messages = frozenset(str(m) for m in resources.shapes_graph().objects(NAMED_AS_TEXT_SHAPE, SH.message))
    as_rdflib = submitted.as_rdflib
    return [RawResult(focus=as_rdflib[subject], path=EVKG.notReported, value=as_rdflib[value],
                      shape=NAMED_AS_TEXT_SHAPE, severity=SH.Violation, messages=messages,
                      component=SH.NodeKindConstraintComponent)
            for subject, value in submitted.store.query(f"""
                SELECT ?s ?o WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s <{EVKG.notReported}> ?o }}
                  FILTER(!isIRI(?o) || !STRSTARTS(STR(?o), "{EVKG}")) }}""")]
