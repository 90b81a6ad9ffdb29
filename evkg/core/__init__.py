"""Shared basics (stage: foundation; imports nothing from evkg).

`namespaces` holds the prefixes and IRIs, `errors` the user-facing error types with their exit codes, and
`resources` finds the bundled ontology, shapes, queries and data and parses each once per process.
"""
