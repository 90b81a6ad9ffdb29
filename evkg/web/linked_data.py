"""Term IRIs as Linked Data, and the ontology documentation, for `evkg serve`.

    /terms/{curie}        a term by CURIE (evkg:EU_GTMP) or full IRI
    /evkg/{path}          the same for an IRI under https://w3id.org/evkg/ given by its path (what the w3id
                          redirect rules forward), e.g. /evkg/data/product/exoflo
    /ontology             the ontology documentation (HTML), or the merged ontology in an RDF format
    /ontology/{file}      the release files evkg.ttl, evkg.owl, evkg.jsonld, evkg.nt, evkg-base.ttl

Every answer is chosen by the Accept header (HTML for browsers; Turtle, JSON-LD, RDF/XML, N-Triples; the term
summary as JSON for API clients) and says so with `Vary: Accept`. `?format=ttl|jsonld|rdf|nt|json|html`
overrides the header for links people can click.
"""
from __future__ import annotations

import functools

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from evkg.core.errors import UnknownTermError
from evkg.core.namespaces import PREFIXES, curie
from evkg.core.safe_text import shortened
from evkg.report.views import term_iri
from evkg.web.errors import ServiceError

BASE = "https://w3id.org/evkg/"
RDF_MEDIA = {  # media type -> (rdflib format, file extension)
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/rdf+xml": ("xml", "rdf"),
    "application/n-triples": ("nt", "nt"),
}
BY_EXTENSION = {ext: media for media, (_, ext) in RDF_MEDIA.items()} | {
    "owl": "application/rdf+xml", "json": "application/json", "html": "text/html"}
RELEASE_FILES = {"evkg.ttl": "text/turtle", "evkg.owl": "application/rdf+xml", "evkg.jsonld": "application/ld+json",
                 "evkg.nt": "application/n-triples", "evkg-base.ttl": "text/turtle"}


def term_graph(iri: str) -> Graph:
    """What evkg states about one term: its statements (with the blank-node axioms they lead to) and the
    labels of the terms and sources they point to."""
    from evkg.core import resources

    node = URIRef(iri)
    graphs = (resources.ontology_graph(), resources.data_graph(), resources.rules_graph(),
              resources.shapes_graph())
    out = Graph()
    for prefix, namespace in sorted(PREFIXES.items()):
        out.bind(prefix, namespace, override=True)
    from evkg.io.rdf import add_bounded_description

    found = False
    for graph in graphs:
        found = add_bounded_description(graph, [node], out) or found
    if not found:
        from evkg.core.safe_text import shortened

        raise UnknownTermError(f"{shortened(curie(iri), 200)} is not defined in the evkg ontology or the curated data. "
                               "Check the spelling (names are case-sensitive).")
    for o in set(out.objects()):
        if isinstance(o, URIRef) and o != node:
            for graph in graphs:
                for label in graph.objects(o, RDFS.label):
                    out.add((o, RDFS.label, label))
    return out


def chosen_media(request, offers: list[str]) -> str:
    """The representation to send: ?format= first, then the Accept header."""
    from evkg.web.http import _accept

    wanted = request.query_params.get("format")
    if wanted is not None:
        named = sorted(ext for ext, media in BY_EXTENSION.items() if media in offers)
        if wanted not in named:
            raise ServiceError(400, "bad-format", f"format={shortened(wanted, 60)} is not offered here; use one of "
                                                  f"{', '.join(named)}.")
        return BY_EXTENSION[wanted]
    return _accept(request, offers)


@functools.cache
def merged_file(name: str) -> bytes:
    """A release file of the bundled ontology, built once per process."""
    from evkg.publish.release import base_ontology, merged_ontology

    graph = merged_ontology() if not name.startswith("evkg-base") else base_ontology(merged_ontology())
    fmt, _ = RDF_MEDIA[RELEASE_FILES[name]]
    return graph.serialize(format=fmt, encoding="utf-8")


@functools.cache
def documentation_page() -> str:
    from evkg.core import resources
    from evkg.publish.ontology_html import ontology_html

    from evkg.publish.ontology_html import internal_classes

    return ontology_html(resources.ontology_graph(), downloads="/ontology/", available=set(RELEASE_FILES),
                         internal=internal_classes(), source_labels=resources.reference_graph())


def routes(json_term, term_page, not_found) -> list:
    """The Starlette routes; `json_term(iri)` and `term_page(request, iri)` give the JSON and HTML views
    the rest of the web page already uses, `not_found(message)` the 404 error."""
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Route

    term_offers = ["application/json", "text/html", *RDF_MEDIA]
    vary = {"Vary": "Accept"}

    def answer_term(request, iri: str):
        media = chosen_media(request, term_offers)
        try:
            if media == "application/json":
                response = json_term(iri)
            elif media == "text/html":
                response = term_page(request, iri)
            else:
                fmt, _ = RDF_MEDIA[media]
                options = {"context": dict(sorted(PREFIXES.items())), "auto_compact": True} if fmt == "json-ld" else {}
                body = term_graph(iri).serialize(format=fmt, encoding="utf-8", **options)
                response = Response(body, media_type=media)
        except UnknownTermError as exc:
            response = not_found(request, str(exc))
        response.headers.update(vary)
        return response

    async def term_by_curie(request):
        try:
            iri = term_iri(request.path_params["curie"])
        except UnknownTermError as exc:
            response = not_found(request, str(exc))
            response.headers.update(vary)
            return response
        return answer_term(request, iri)

    async def term_by_path(request):
        return answer_term(request, BASE + request.path_params["path"])

    async def ontology(request):
        media = chosen_media(request, ["text/html", *RDF_MEDIA])
        if media == "text/html":
            response = HTMLResponse(documentation_page())
        else:
            name = "evkg." + {"xml": "owl", "json-ld": "jsonld"}.get(RDF_MEDIA[media][0], RDF_MEDIA[media][1])
            response = Response(merged_file(name), media_type=media)
        response.headers.update(vary)
        return response

    async def ontology_file(request):
        name = request.path_params["name"]
        if name not in RELEASE_FILES:
            return not_found(request, f"no release file {name!r}; files: {', '.join(RELEASE_FILES)}.")
        return Response(merged_file(name), media_type=RELEASE_FILES[name],
                        headers={"Content-Disposition": f'inline; filename="{name}"'})

    return [
        Route("/terms/{curie:path}", term_by_curie, methods=["GET"]),
        Route("/evkg/{path:path}", term_by_path, methods=["GET"]),
        Route("/ontology", ontology, methods=["GET"]),
        Route("/ontology/{name}", ontology_file, methods=["GET"]),
    ]
