"""evkg: a knowledge graph of extracellular-vesicle therapies and the regulatory concepts that govern them.

The library API mirrors the command line:

    >>> import evkg
    >>> result = evkg.check_files(["examples/valid/e1-ucmsc-sev-neonatal-lung.ttl"])

Heavy modules are imported lazily so that ``import evkg`` and the CLI start fast.
"""
from __future__ import annotations

# The one version of the package (the wheel's metadata reads it), equal to the ontology's owl:versionInfo.
__version__ = "0.3.0"

_LAZY = {
    "check": ("evkg.pipeline", "check"),
    "check_files": ("evkg.pipeline", "check_files"),
    "load_rdf": ("evkg.io.load", "load_rdf"),
    "validate": ("evkg.validation.engine", "validate"),
    "classify": ("evkg.classification.engine", "classify"),
    "query": ("evkg.graph.queries", "run_named_query"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module_name, attr = _LAZY[name]
        return getattr(importlib.import_module(module_name), attr)
    raise AttributeError(f"module 'evkg' has no attribute {name!r}")
