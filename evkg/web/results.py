"""Query answers of `evkg serve`: the format /sparql answers in."""
from __future__ import annotations

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
