"""Validation of product descriptions (stage: validation; imports evkg.core, evkg.io, evkg.literature).

`compiled` turns the SHACL shapes into set-based SPARQL run on pyoxigraph and keeps pySHACL as the reference
engine; `engine` runs them on a description, adds the checks shapes cannot express (unknown terms,
unresolvable sources) and returns a `ValidationResult` with findings and a completeness score.
"""
