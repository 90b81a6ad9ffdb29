"""Query answers of `evkg serve`: the format /sparql answers in, and results as rows of the HTML table."""
from __future__ import annotations

from evkg.core.namespaces import EVD, PREFIXES, curie
from evkg.report.views import product_id_of
from evkg.web.errors import UNFIT, ServiceError

# ?format= of /sparql: the SPARQL results formats of a SELECT or ASK, the graph formats of a CONSTRUCT or
# DESCRIBE, or the page
RESULT_FORMATS = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
                  "xml": "application/sparql-results+xml"}
GRAPH_FORMATS = {"ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
                 "ntriples": "application/n-triples"}


def sparql_media(request, graph_offers: list, result_offers: list) -> tuple:
    """(graph media or UNFIT, results media or UNFIT, page or not) for a /sparql request: ?format= decides, and
    the query forms it does not fit are refused in the worker (format=csv for a CONSTRUCT was answered in
    Turtle, format=csv for a SELECT in JSON); without it, the Accept header."""
    from evkg.core.safe_text import shortened, visible
    from evkg.web.http import _accept, _wants_html

    given = request.query_params.getlist("format")
    if len(given) > 1:
        raise ServiceError(400, "bad-parameter", "the parameter format is given more than once; give it once.")
    if not given:
        html = _wants_html(request)
        return _accept(request, graph_offers), _accept(request, result_offers), html
    chosen = given[0].strip().lower()
    if chosen == "html":
        return UNFIT, UNFIT, True
    if chosen in RESULT_FORMATS:
        return UNFIT, RESULT_FORMATS[chosen], False
    if chosen in GRAPH_FORMATS:
        return GRAPH_FORMATS[chosen], UNFIT, False
    raise ServiceError(400, "bad-format", f"format={shortened(visible(given[0]), 60)} is not offered here; use json, "
                       "csv, tsv or xml for a SELECT or ASK, ttl or nt for a CONSTRUCT or DESCRIBE, or html.")


def _cell(term) -> dict:
    """A result cell for the HTML table: its short text and, for IRIs, where to look it up."""
    import pyoxigraph as ox

    from evkg.graph.store import prefixed

    text = prefixed(term)
    href = None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(f"{EVD}product/"):
            href = f"/products/{product_id_of(iri)}"
        elif iri.startswith((PREFIXES["evkg"], PREFIXES["evsh"], str(EVD))):
            href = f"/terms/{curie(iri)}"
        elif iri.startswith(("http://", "https://")):
            href = iri
    return {"text": text, "href": href}


def table(results, title=None) -> dict:
    """Rows for the HTML table; `title` names the columns of a named query (raw variables otherwise)."""
    if results.kind == "ask":
        return {"kind": "ask", "boolean": results.boolean, "variables": [], "rows": []}
    if results.kind == "graph":
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in results.triples]
        return {"kind": "graph", "variables": ["subject", "predicate", "object"], "rows": rows}
    variables = [title(v) for v in results.variables] if title else results.variables
    return {"kind": "select", "variables": variables, "rows": [[_cell(t) for t in row] for row in results.rows]}
