"""The generated documentation is current: regenerating it gives the committed files."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from evkg.publish.docs import generated, write

DOCS = Path(__file__).resolve().parent.parent / "docs"
STALE = "is stale: run `python -m evkg.publish.docs` and commit the result"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    write(out)
    return out


@pytest.mark.parametrize("relative", ["queries.md", "rules.md", "ontology/index.html"])
def test_generated_docs_are_current(fresh, relative):
    committed = DOCS / relative
    assert committed.exists(), f"docs/{relative} is missing: run `python -m evkg.publish.docs`"
    assert committed.read_text(encoding="utf-8") == (fresh / relative).read_text(encoding="utf-8"), \
        f"docs/{relative} {STALE}"


def test_query_catalogue_lists_every_query():
    from evkg.graph.queries import catalogue

    text = generated()["queries.md"]
    for name, query in catalogue().items():
        assert f"## {name}" in text and query.title in text
        for param in query.params:
            assert f"`{param.name}`" in text


def test_ontology_page_is_well_formed_and_links_resolve(fresh):
    page = (fresh / "ontology" / "index.html").read_text(encoding="utf-8")

    class Collector(HTMLParser):
        ids, anchors = set(), set()

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if "id" in attributes:
                self.ids.add(attributes["id"])
            if tag == "a" and attributes.get("href", "").startswith("#"):
                self.anchors.add(attributes["href"][1:])

    collector = Collector()
    collector.feed(page)
    assert {"ExtracellularVesicle", "Exosome", "EVProduct", "hasEVComponent", "DeliveryVehicleRole"} <= collector.ids
    assert collector.anchors <= collector.ids, sorted(collector.anchors - collector.ids)[:5]
    assert "<script" not in page
