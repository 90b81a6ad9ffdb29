"""The knowledge graph (stage: graph; imports evkg.core, evkg.io, evkg.classification).

`store` wraps the embedded pyoxigraph store and remote SPARQL endpoints behind one interface; `build` fills
the store from the bundled ontology, shapes and curated data with inferred classifications and pushes it to
endpoints; `queries` is the named-query catalogue; `oxigraph_server` starts a local Oxigraph server.
"""
