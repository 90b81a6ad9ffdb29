"""The generated documentation is current: regenerating it gives the committed files."""
from __future__ import annotations

import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import click
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


def test_the_rule_table_lists_every_bundled_rule():
    """A rule left out of its rule set's sh:rule list ran but was missing from docs/rules.md."""
    from rdflib.namespace import RDF

    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    rules = resources.rules_graph()
    text = generated()["rules.md"]
    missing = [str(rules.value(rule, EVKG.ruleId)) for rule in rules.subjects(RDF.type, EVKG.ClassificationRule)
               if f"| `{rules.value(rule, EVKG.ruleId)}` |" not in text]
    assert not missing, f"not in the rule table (add them to their rule set's sh:rule): {sorted(missing)}"


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


# --- what the README and docs/*.md name exists, and the commands they show run -----------------------------

ROOT = DOCS.parent
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)
NOT_COMMITTED = {"tests/artifacts/"}                       # written by the browser tests


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.MULTILINE)
            if anchor not in {_slug(h) for h in headings}:
                broken.append(target)
    assert not broken, f"{page.name}: links to nothing: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_repository_path_named_exists(page):
    text = page.read_text(encoding="utf-8")
    named = re.findall(r"`((?:evkg|tests|benchmarks|docs|examples|data|shapes|ontology|queries|mappings|release)"
                       r"/[\w./*<>-]*)`", text)
    missing = []
    for path in named:
        if path in NOT_COMMITTED or "<" in path:
            continue
        if "*" in path:
            if not list(ROOT.glob(path)):
                missing.append(path)
        elif not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"{page.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_python_name_named_exists(page):
    """`evkg.report.render.to_dict` and the like: a reader who imports what the page names finds it."""
    import importlib

    text = page.read_text(encoding="utf-8")
    names = {m for m in re.findall(r"`(evkg(?:\.\w+)+)(?:\([^`]*\))?`", text)
             if m.rsplit(".", 1)[-1] not in ("ttl", "owl", "jsonld", "obo", "nt", "tsv", "json")}
    missing = []
    for name in sorted(names):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:]:
                    found = getattr(found, attribute)
            except AttributeError:
                missing.append(name)
            break
        else:
            missing.append(name)
    assert not missing, f"{page.name} names what the package does not have: {missing}"


def _commands_shown(text: str):
    """Each `evkg …` command line in the code blocks of a page, as argument lists (comments and pipes cut)."""
    for block in FENCE.findall(text):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            if not line.startswith("evkg "):
                continue
            for command in re.split(r"\s&&\s", line):
                command = re.split(r"\s(?:#|\||>|2>)\s?", command)[0]
                yield shlex.split(command)[1:]


def test_every_option_a_doc_shows_is_an_option_of_its_command():
    from evkg.cli.group import cli

    shown, unknown = 0, []
    for page in PAGES:
        for args in _commands_shown(page.read_text(encoding="utf-8")):
            command, rest = cli.get_command(None, args[0]), args[1:]
            assert command is not None, f"{page.name}: no command `evkg {args[0]}`"
            if isinstance(command, click.Group):
                command, rest = command.get_command(None, rest[0]), rest[1:]
                assert command is not None, f"{page.name}: no command `evkg {' '.join(args[:2])}`"
            options = {name for param in command.params for name in param.opts + param.secondary_opts}
            options |= {"-h", "--help"}
            for token in rest:
                if token.startswith("-") and token != "-" and token.split("=")[0] not in options:
                    unknown.append(f"{page.name}: evkg {' '.join(args)} ({token})")
            shown += 1
    assert shown > 40
    assert not unknown, unknown


def test_the_readme_tour_runs_in_an_empty_folder(tmp_path, monkeypatch, capsys):
    """The first steps of the tour in the README make the files the next steps read."""
    from evkg.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
    steps = list(_commands_shown(tour))[:5]
    assert [s[0] for s in steps] == ["new", "terms", "check", "convert", "check"], steps
    monkeypatch.chdir(tmp_path)
    for args in steps:
        code = main(args)
        captured = capsys.readouterr()
        assert code in (0, 1), f"evkg {' '.join(args)} exited {code}: {captured.err}{captured.out[-500:]}"
    assert (tmp_path / "my-product.ttl").exists()


@pytest.mark.parametrize("command", ["evkg query ev-role --param role=DeliveryVehicle", "evkg query eu-us-kind-differs"])
def test_the_readme_shows_what_a_query_prints(command, built_store_path, capsys):
    from evkg.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(f"$ {command}\n", 1)[1].split("\n\n", 1)[0].split("```", 1)[0]
    assert main([*shlex.split(command)[1:], "--store", str(built_store_path)]) == 0
    assert capsys.readouterr().out.rstrip("\n") == shown.rstrip("\n")


def test_the_vocabulary_page_names_every_category_and_question():
    """docs/vocabulary.md lists the categories an outcome can name and the questions classification answers."""
    from rdflib import RDF, RDFS, Namespace

    from evkg.core.resources import ontology_graph

    evkg = Namespace("https://w3id.org/evkg#")
    graph = ontology_graph()
    page = (DOCS / "vocabulary.md").read_text(encoding="utf-8")
    categories = {str(c).removeprefix(str(evkg)) for c in graph.transitive_subjects(RDFS.subClassOf,
                                                                                    evkg.RegulatoryCategory)}
    questions = {str(q).removeprefix(str(evkg)) for q in graph.subjects(RDF.type, evkg.ClassificationQuestion)}
    assert len(questions) > 20 and len(categories) > 50
    unlisted = sorted(c for c in categories if c.startswith(("EU_", "US_", "KR_")) and f"evkg:{c}`" not in page)
    unlisted += sorted(q for q in questions if f"{q}`" not in page)
    assert not unlisted, f"docs/vocabulary.md does not list: {unlisted}"
    named = set(re.findall(r"`evkg:(\w+)`", page)) - {"Xxx"}
    unknown = sorted(n for n in named if (evkg[n], None, None) not in graph)
    assert not unknown, f"docs/vocabulary.md names terms the ontology does not declare: {unknown}"


def test_where_to_add_says_how_to_add_a_curated_product():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text[text.index("## Where to add"):]
    row = next((line for line in table.splitlines() if line.startswith("| a curated product |")), None)
    assert row is not None, "docs/architecture.md: 'Where to add' has no row for a curated product"
    for step in ("data/products/<id>.ttl", "data/literature/", "tests/expected/<id>.json", "evkg build",
                 "evkg check --profile published"):
        assert step in row, step
