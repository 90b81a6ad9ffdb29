"""Shared fixtures: a real Oxigraph SPARQL server on 127.0.0.1, the built knowledge graph, and for the browser
tests an `evkg serve` per module with headless Chromium."""
from __future__ import annotations

import socket
import threading
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

    store = EmbeddedStore(built_store_path, read_only=True)
    yield store


# --- browser tests: one server and one headless Chromium per test module --------------------------------
CHROMIUM = "/usr/bin/chromium"
# no connection leaves the machine: Chromium's background services would try Google's hosts at every start
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base_url():
    from evkg.web.app import running_server

    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "the browser tests need Chromium: apt-get install chromium chromium-driver"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Listener:
    """A real TCP socket on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connected = False
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connected = True
            connection.close()

    def close(self):
        self.running = False
        self.thread.join(5)
        self.socket.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()
