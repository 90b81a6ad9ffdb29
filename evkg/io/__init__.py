"""Reading and writing product descriptions (stage: input; imports evkg.core).

`load` reads user RDF safely in every supported format (size limit, no remote contexts or external entities,
syntax errors with line and column); `rdf` converts between the pyoxigraph store and rdflib graphs.
"""
