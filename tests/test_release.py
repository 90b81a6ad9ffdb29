"""The ontology release: modules that import each other, the merged files, the OWL 2 DL profile (OWL API),
duplicate labels, deprecations, the CHANGELOG and the w3id redirects."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from evkg.core import resources
from evkg.core.namespaces import PREFIXES
from evkg.publish import changelog, owlapi
from evkg.publish.release import ONTOLOGY_IRI, build_release

ROOT = Path(__file__).resolve().parent.parent
EVKG = PREFIXES["evkg"]
FILES = {".htaccess", "CHANGELOG.md", "LICENSE-CC-BY-4.0.txt", "evkg-base.owl", "evkg-base.ttl", "evkg-rules.ttl",
         "evkg-shapes.ttl", "evkg.jsonld", "evkg.obo", "evkg.owl", "evkg.sssom.tsv", "evkg.ttl",
         "history/evkg-0.1.0.ttl", "history/evkg-0.2.0.ttl", "history/evkg-0.3.0.ttl"}

# ROBOT's duplicate_label check, limited to classes: one row per class whose label another class also has, where
# one of the two is evkg's. Labels of imported terms are their source ontology's, copied as they are (MONDO and
# NCIt both say "neoplasm"); what evkg controls is that none of its classes takes another class's label.
DUPLICATE_CLASS_LABEL = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?entity ?property ?value WHERE {
  VALUES ?property { rdfs:label }
  ?entity a owl:Class ; ?property ?value .
  ?other a owl:Class ; ?property ?otherValue .
  FILTER (?entity != ?other && isIRI(?entity) && isIRI(?other))
  FILTER (STRSTARTS(STR(?entity), "https://w3id.org/evkg#") || STRSTARTS(STR(?other), "https://w3id.org/evkg#"))
  FILTER (LCASE(STR(?value)) = LCASE(STR(?otherValue)))
  FILTER NOT EXISTS { ?entity owl:deprecated true }
  FILTER NOT EXISTS { ?other owl:deprecated true }
}
ORDER BY ?value ?entity
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    # The OWL API writes evkg.obo; without it the release says so and the file test below fails with the hint.
    return build_release(out, history=ROOT / "release" / "history")


@pytest.fixture(scope="module")
def modules() -> list[tuple[str, Path]]:
    return resources.ontology_modules()


def module_graphs(modules) -> Graph:
    """The union of the module files, without their owl:Ontology headers' imports and module headers."""
    union = Graph()
    for iri, path in modules:
        module = Graph().parse(path, format="turtle")
        if iri != ONTOLOGY_IRI:
            module.remove((URIRef(iri), None, None))
        module.remove((None, OWL.imports, None))
        union += module
    return union


# ------------------------------------------------------------------------------------------------ modules

def test_the_top_module_imports_every_ontology_file_through_the_catalog(modules):
    assert modules[0] == (ONTOLOGY_IRI, resources.folder("ontology") / "evkg.ttl")
    assert sorted(path for _, path in modules) == resources.turtle_files("ontology")
    top = Graph().parse(modules[0][1], format="turtle")
    assert {str(o) for o in top.objects(URIRef(ONTOLOGY_IRI), OWL.imports)} == {iri for iri, _ in modules[1:]}


def test_an_import_missing_from_the_catalog_is_an_error_not_a_download(tmp_path, monkeypatch):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "top.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/top> a owl:Ontology ; owl:imports <https://example.org/elsewhere> .\n")
    (tmp_path / "ontology" / "catalog-v001.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="https://example.org/top" uri="top.ttl"/></catalog>')
    monkeypatch.setattr(resources, "bundle_root", lambda: tmp_path)
    resources.ontology_catalog.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="https://example.org/elsewhere.*catalog-v001.xml"):
            resources.ontology_modules("https://example.org/top")
    finally:
        resources.ontology_catalog.cache_clear()


def ontology_version() -> str:
    top = Graph().parse(resources.folder("ontology") / "evkg.ttl", format="turtle")
    return str(top.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo))


def test_the_package_has_one_version_and_it_is_the_ontologys(capsys):
    import tomllib

    import evkg
    from evkg.cli import main

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "evkg/__init__.py"
    assert evkg.__version__ == ontology_version()
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"evkg, version {ontology_version()}"


def test_the_ontology_header_carries_release_metadata():
    top = Graph().parse(resources.folder("ontology") / "evkg.ttl", format="turtle")
    onto = URIRef(ONTOLOGY_IRI)
    version = str(top.value(onto, OWL.versionInfo))
    assert top.value(onto, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert top.value(onto, OWL.priorVersion) is not None
    assert top.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert top.value(onto, DCTERMS.creator) is not None and top.value(onto, DCTERMS.description) is not None
    assert (ROOT / "LICENSE-CC-BY-4.0.txt").read_text().count("Creative Commons Attribution 4.0 International") >= 2


# ------------------------------------------------------------------------------------------------ release

def test_release_writes_every_file(release):
    written = {str(p.relative_to(release.folder)) for p in release.folder.rglob("*") if p.is_file()}
    assert written == FILES
    assert release.version == ontology_version() and release.skipped == {}


@pytest.mark.parametrize("name, fmt", [("evkg.ttl", "turtle"), ("evkg.owl", "xml"), ("evkg.jsonld", "json-ld")])
def test_merged_file_loads_in_rdflib_with_every_statement_of_the_modules(release, modules, name, fmt):
    merged = Graph().parse(release.folder / name, format=fmt)
    union = module_graphs(modules)
    assert len(merged) == len(union)
    assert {t for t in merged if not any(isinstance(x, BNode) for x in t)} == \
        {t for t in union if not any(isinstance(x, BNode) for x in t)}
    assert len(list(merged.subjects(RDF.type, OWL.Ontology))) == 1
    assert not list(merged.objects(None, OWL.imports))


def _owlready_summary(world) -> dict:
    classes = list(world.classes())
    return {
        "classes": sorted(c.iri for c in classes),
        "object properties": sorted(p.iri for p in world.object_properties()),
        "data properties": sorted(p.iri for p in world.data_properties()),
        "annotation properties": sorted(p.iri for p in world.annotation_properties()),
        "individuals": sorted(i.iri for i in world.individuals()),
        "subclass axioms": sum(len(c.is_a) for c in classes),
        "equivalence axioms": sum(len(c.equivalent_to) for c in classes),
    }


def test_merged_file_loads_in_owlready2_with_the_axioms_of_the_modules(release, modules, tmp_path):
    owlready2 = pytest.importorskip("owlready2")
    merged_world = owlready2.World()
    merged_world.get_ontology((release.folder / "evkg.owl").as_uri()).load()
    modules_world = owlready2.World()
    for index, (_, path) in enumerate(modules):
        graph = Graph().parse(path, format="turtle")
        graph.remove((None, OWL.imports, None))        # owlready2 would download them; all are loaded here
        file = tmp_path / f"module-{index}.nt"
        graph.serialize(destination=str(file), format="nt", encoding="utf-8")
        modules_world.get_ontology(file.as_uri()).load(format="ntriples")
    merged, together = _owlready_summary(merged_world), _owlready_summary(modules_world)
    assert merged == together
    categories = [iri for iri in merged["classes"] if iri.startswith((EVKG + "EU_", EVKG + "US_", EVKG + "KR_"))]
    assert {iri[len(EVKG):3 + len(EVKG)] for iri in categories} == {"EU_", "US_", "KR_"}


def test_base_file_holds_evkg_axioms_only(release):
    base = Graph().parse(release.folder / "evkg-base.ttl", format="turtle")
    merged = Graph().parse(release.folder / "evkg.ttl", format="turtle")
    subjects = {s for s in base.subjects() if not isinstance(s, BNode)}
    assert all(str(s).startswith(EVKG) or str(s) == ONTOLOGY_IRI for s in subjects)
    own = {s for s in merged.subjects() if isinstance(s, URIRef) and str(s).startswith(EVKG)}
    assert own == subjects - {URIRef(ONTOLOGY_IRI)}
    assert (URIRef("http://purl.obolibrary.org/obo/GO_1903561"), RDF.type, OWL.Class) in merged
    assert (URIRef("http://purl.obolibrary.org/obo/GO_1903561"), None, None) not in base


def test_shapes_and_rules_files_hold_the_bundled_shapes_and_rules(release):
    shapes = Graph().parse(release.folder / "evkg-shapes.ttl", format="turtle")
    rules = Graph().parse(release.folder / "evkg-rules.ttl", format="turtle")
    assert len(shapes) == len(resources.shapes_graph())
    rule_ids = {str(o) for o in rules.objects(None, URIRef(EVKG + "ruleId"))}
    assert rule_ids == {str(o) for o in resources.rules_graph().objects(None, URIRef(EVKG + "ruleId"))}
    assert rules.value(URIRef("https://w3id.org/evkg/shapes#prefixes"), URIRef("http://www.w3.org/ns/shacl#declare"))


def test_obo_file_written_by_the_owl_api_names_every_evkg_class(release):
    text = (release.folder / "evkg.obo").read_text(encoding="utf-8")
    assert text.startswith(f"format-version: 1.2\ndata-version: {ontology_version()}\n")
    assert "[Term]\nid: EVProduct\nname: EV product\n" in text


# ------------------------------------------------------------------------------------------------ OWL 2 DL

def test_owl_api_finds_the_ontology_and_the_release_in_owl2_dl_with_the_same_axioms(release, modules):
    top = owlapi.check_profile(modules[0][1], dict(modules))
    merged = owlapi.check_profile(release.folder / "evkg.owl")
    assert top.violations == [] and merged.violations == []
    assert top.ontologies == len(modules) and merged.ontologies == 1
    assert (merged.axioms, merged.logical_axioms) == (top.axioms, top.logical_axioms)


def test_owl_api_profile_check_reports_illegal_punning(tmp_path):
    # The shape of the 0.1.0 mistake: an object property under a property used as an annotation property.
    bad = tmp_path / "punning.ttl"
    bad.write_text("""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/o> a owl:Ontology .
<https://example.org/isPartOf> a owl:AnnotationProperty .
<https://example.org/provisionOf> a owl:ObjectProperty ; rdfs:subPropertyOf <https://example.org/isPartOf> .
""")
    report = owlapi.check_profile(bad)
    assert not report.in_owl2_dl
    assert any(v.startswith("IllegalPunning\t") for v in report.violations)


# ------------------------------------------------------------------------------------------------ labels, deprecation

def duplicate_class_labels(graph: Graph) -> list[tuple[str, str]]:
    import pyoxigraph

    store = pyoxigraph.Store()     # rdflib evaluates this self-join in minutes, Oxigraph in milliseconds
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return [(row["entity"].value, row["value"].value) for row in store.query(DUPLICATE_CLASS_LABEL)]


def test_no_two_classes_share_a_label(release):
    assert duplicate_class_labels(resources.ontology_graph()) == []
    assert duplicate_class_labels(Graph().parse(release.folder / "evkg.ttl", format="turtle")) == []


def test_duplicate_class_label_check_finds_a_shared_label():
    graph = Graph().parse(data="""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix evkg: <https://w3id.org/evkg#> .
evkg:A a owl:Class ; rdfs:label "exosome"@en .
<https://example.org/B> a owl:Class ; rdfs:label "Exosome" .
evkg:C a owl:Class ; rdfs:label "exosome" ; owl:deprecated true .
<https://example.org/D> a owl:Class ; rdfs:label "neoplasm" .
<https://example.org/E> a owl:Class ; rdfs:label "Neoplasm" .
""", format="turtle")
    assert duplicate_class_labels(graph) == [("https://example.org/B", "Exosome"),
                                             (EVKG + "A", "exosome")]


def test_deprecated_terms_stay_with_their_replacement():
    graph = resources.ontology_graph()
    deprecated = sorted(s for s in graph.subjects(OWL.deprecated, Literal(True)) if str(s).startswith(EVKG))
    assert deprecated, "the 0.2.0 release deprecates the lipoprotein classes"
    for term in deprecated:
        replacements = list(graph.objects(term, DCTERMS.isReplacedBy))
        assert replacements, f"{term} is deprecated without dct:isReplacedBy"
        assert all(graph.value(r, RDFS.label) is not None for r in replacements)
        assert str(graph.value(term, RDFS.label)).startswith("obsolete ")


# ------------------------------------------------------------------------------------------------ CHANGELOG, w3id

def test_changelog_section_is_the_difference_to_the_previous_release(release):
    """Each release's section lists what changed since the release before it: the newest against 0.2.0, and
    0.2.0 (which deprecated the lipoprotein classes) against 0.1.0."""
    text = (release.folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index(f"## {ontology_version()}") < text.index("## 0.2.0") < text.index("## 0.1.0")
    history = release.folder / "history"
    for previous, current in (("0.2.0", ontology_version()), ("0.1.0", "0.2.0")):
        change = changelog.diff(Graph().parse(history / f"evkg-{previous}.ttl", format="turtle"),
                                Graph().parse(history / f"evkg-{current}.ttl", format="turtle"))
        own_section = text.split(f"## {current}\n")[1].split("\n## ")[0]
        assert f"Compared with {previous}: {len(change.added)} added" in own_section
        for term in change.added:
            assert f"- `evkg:{term[len(EVKG):]}`" in own_section.split("### Added")[1].split("###")[0]
        for term in change.deprecated:
            assert f"- `evkg:{term[len(EVKG):]}`" in own_section.split("### Deprecated")[1].split("###")[0]
        if previous == "0.1.0":
            assert EVKG + "HDL" in change.deprecated
            assert change.changed[EVKG + "provisionOf"] == ["rdfs:subPropertyOf", "skos:editorialNote"]


def test_a_released_version_is_not_released_again_with_other_content(release, tmp_path):
    """Releasing changed terms under a version already released would give two different ontologies one version
    IRI (0.2.0 was rebuilt with twelve more terms before this check): the release is refused, nothing is
    written, and the message says which version to raise."""
    from evkg.core.errors import UsageError
    from evkg.publish.release import build_release

    version = ontology_version()
    history = tmp_path / "history"
    history.mkdir()
    released = Graph().parse(release.folder / "history" / f"evkg-{version}.ttl", format="turtle")
    released.remove((URIRef(EVKG + "EVProduct"), None, None))          # what was released differs from the source
    released.serialize(history / f"evkg-{version}.ttl", format="turtle")
    out = tmp_path / "out"
    with pytest.raises(UsageError, match=f"version {version} was already released.*owl:versionInfo"):
        build_release(out, history=history, obo=False)
    assert not out.exists()


def test_the_checkouts_release_folder_is_the_release_of_the_source_or_the_version_is_new():
    """The version in ontology/evkg.ttl is either the one release/ holds, with the same ontology, shapes and rules,
    or a version not released yet. Otherwise a term was changed after its release without a new version."""
    from evkg.publish.changelog import same_statements
    from evkg.publish.release import _rules_graph, _shapes_graph, merged_ontology

    folder = ROOT / "release"
    version = ontology_version()
    if not (folder / "history" / f"evkg-{version}.ttl").exists():
        return                               # a new version, released later with `evkg release`
    assert same_statements(merged_ontology(), Graph().parse(folder / "history" / f"evkg-{version}.ttl")), \
        f"the ontology changed after release {version}: raise its version in ontology/evkg.ttl"
    for name, bundled in (("evkg.ttl", merged_ontology()), ("evkg-shapes.ttl", _shapes_graph()),
                          ("evkg-rules.ttl", _rules_graph())):
        assert same_statements(bundled, Graph().parse(folder / name)), \
            f"release/{name} is not the release of the source: run `evkg release`"


def test_changelog_diff_reports_added_removed_deprecated_and_changed_terms():
    def ontology(version: str, body: str) -> Graph:
        return Graph().parse(data=f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix evkg: <{EVKG}> .
<{ONTOLOGY_IRI}> a owl:Ontology ; owl:versionInfo "{version}" .
{body}""", format="turtle")

    old = ontology("1.0", """evkg:A a owl:Class ; rdfs:label "a" .
evkg:B a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty evkg:p ; owl:someValuesFrom evkg:A ] .
evkg:C a owl:Class . evkg:D a owl:Class .""")
    new = ontology("1.1", """evkg:A a owl:Class ; rdfs:label "a, renamed" .
evkg:B a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty evkg:p ; owl:someValuesFrom evkg:A ] .
evkg:C a owl:Class ; owl:deprecated true . evkg:E a owl:Class .""")
    change = changelog.diff(old, new)
    assert (change.version, change.previous) == ("1.1", "1.0")
    assert change.added == [EVKG + "E"] and change.removed == [EVKG + "D"]
    assert change.deprecated == [EVKG + "C"]
    assert change.changed == {EVKG + "A": ["rdfs:label"]}


def test_graphs_are_compared_up_to_blank_node_names_and_any_other_difference_is_found():
    from evkg.publish.changelog import same_statements

    def graph(text: str) -> Graph:
        return Graph().parse(data="@prefix ex: <http://example.org/> .\n" + text, format="turtle")

    axiom = "ex:A ex:sub [ ex:on ex:p ; ex:some ex:B ] , [ ex:on ex:q ; ex:some ex:C ] ."
    assert same_statements(graph(axiom), graph(axiom))
    assert same_statements(graph(axiom), graph("ex:A ex:sub _:x , _:y . _:y ex:on ex:p ; ex:some ex:B . "
                                               "_:x ex:on ex:q ; ex:some ex:C ."))
    assert not same_statements(graph(axiom), graph("ex:A ex:sub [ ex:on ex:p ; ex:some ex:C ] , "
                                                   "[ ex:on ex:q ; ex:some ex:B ] ."))
    assert not same_statements(graph(axiom), graph(axiom + ' ex:A ex:label "a" .'))


def test_htaccess_redirects_the_namespace_by_content_type(release):
    text = (release.folder / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteEngine on" in text
    for accept, file in (("text/turtle", "evkg.ttl"), ("application/rdf\\+xml", "evkg.owl"),
                         ("application/ld\\+json", "evkg.jsonld")):
        assert f"RewriteCond %{{HTTP_ACCEPT}} {accept}\nRewriteRule ^$ " in text
        assert f"/release/{ontology_version()}/{file} [R=303,L]" in text


def test_rdfxml_and_jsonld_are_written_the_same_on_every_run(release, tmp_path):
    from evkg.publish.release import Release, _convert

    for name in ("evkg.owl", "evkg.jsonld"):
        again = _convert(release.folder / "evkg.ttl", tmp_path / name, Release(tmp_path, release.version))
        assert again.read_bytes() == (release.folder / name).read_bytes()


def test_every_release_file_is_the_same_bytes_from_any_process(tmp_path):
    """rdflib names blank nodes anew in each process and its Turtle writer orders them by name, so two
    `evkg release` runs wrote evkg.ttl (and the files made from it) with two owl:AllDifferent axioms swapped."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for run in ("first", "second"):
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from evkg.publish.release import build_release; "
                        "build_release(Path(sys.argv[1]), history=Path(sys.argv[2]), obo=False)",
                        str(tmp_path / run), str(ROOT / "release" / "history")],
                       check=True, env=env, timeout=600, capture_output=True)
    for name in ("evkg.ttl", "evkg.owl", "evkg.jsonld", "evkg-base.ttl", "evkg-shapes.ttl", "evkg-rules.ttl"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name
        assert (tmp_path / "first" / name).read_bytes() == (ROOT / "release" / name).read_bytes(), name


# ------------------------------------------------------------------------------------------- where a release writes

def test_a_release_into_a_folder_of_other_files_is_refused_and_leaves_it_as_it_was(tmp_path):
    from evkg.core.errors import UsageError

    project = tmp_path / "project"
    project.mkdir()
    (project / "CHANGELOG.md").write_text("my own changelog\n", encoding="utf-8")
    (project / "README.md").write_text("my project\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a release folder: it holds README.md"):
        build_release(project, history=ROOT / "release" / "history", obo=False)
    assert sorted(p.name for p in project.iterdir()) == ["CHANGELOG.md", "README.md"]
    assert (project / "CHANGELOG.md").read_text(encoding="utf-8") == "my own changelog\n"


@pytest.mark.parametrize("link", ["evkg.ttl", ".htaccess", "history/evkg-0.1.0.ttl"])
def test_a_release_never_writes_through_a_link_in_its_folder(tmp_path, link):
    from evkg.core.errors import UsageError

    precious = tmp_path / "precious.txt"
    precious.write_text("not an ontology\n", encoding="utf-8")
    out = tmp_path / "release"
    (out / "history").mkdir(parents=True)
    (out / link).symlink_to(precious)
    with pytest.raises(UsageError, match="link"):
        build_release(out, history=ROOT / "release" / "history", obo=False)
    assert precious.read_text(encoding="utf-8") == "not an ontology\n"


def test_a_release_over_an_earlier_one_keeps_its_history_and_leaves_no_staging_folder(tmp_path):
    out = tmp_path / "release"
    build_release(out, history=ROOT / "release" / "history", obo=False)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = build_release(out, obo=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    assert all(p.parent in (out, out / "history") for p in again.files)
    assert not [p for p in out.iterdir() if p.name.startswith(".release-")]


@pytest.mark.parametrize("site", ["https://x.org [R=303,L]\nRewriteRule ^(.*)$ https://evil.example/$1",
                                  "javascript:alert(1)", 'https://x.org/"onmouseover'])
def test_a_site_that_is_no_plain_web_address_is_refused_before_anything_is_written(tmp_path, site):
    from evkg.core.errors import UsageError

    with pytest.raises(UsageError, match="is not a web address"):
        build_release(tmp_path / "out", history=ROOT / "release" / "history", site=site, obo=False)
    assert not (tmp_path / "out").exists()
