"""Shared fixtures: a real Oxigraph SPARQL server on 127.0.0.1 and the built knowledge graph."""
from __future__ import annotations

from pathlib import Path

import pytest

from evkg.graph.oxigraph_server import running_oxigraph


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server with an empty persistent store, stopped when the session ends."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory) -> Path:
    """A store folder holding a fresh build of the bundled knowledge graph."""
    from evkg.graph.build import build

    path = tmp_path_factory.mktemp("evkg-store") / "store"
    build(path, progress=lambda message: None)
    return path


@pytest.fixture(scope="session")
def built_store(built_store_path):
    from evkg.graph.store import EmbeddedStore

    store = EmbeddedStore(built_store_path)
    yield store
