"""The knowledge graph (stage: graph; imports evkg.core, evkg.io, evkg.classification).

`store` wraps the embedded pyoxigraph store and remote SPARQL endpoints behind one interface; `build` fills
the store from the bundled ontology, shapes and curated data with inferred classifications and pushes it to
endpoints; `query_forms` tells a query from an update or from text that is neither; `queries` is the
named-query catalogue and `parameters` reads and checks its parameter values; `oxigraph_server` starts a local
Oxigraph server.
"""
