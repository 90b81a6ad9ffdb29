"""OWL reasoning with HermiT (through owlready2): ontology consistency, and an independent cross-check of the
rule-based classification.

The ontology (ontology/category-definitions.ttl) defines some regulatory categories by OWL axioms that mirror
the classification rules. `cross_check` loads the ontology and a graph of product descriptions into a fresh
owlready2 World, lets HermiT infer each product's category types, and compares them with what the SHACL
rules concluded, for exactly the categories the ontology defines. HermiT is slow on large inputs, so it stays
out of `check`; each call here starts one Java run in its own World.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from evkg.core.errors import EvkgError
from evkg.core.namespaces import EVKG

# Datatypes HermiT understands (OWL 2 datatype map); literals of other types carry no meaning for the
# category definitions and are left out of the reasoner's input.
OWL2_DATATYPES = {XSD[name] for name in (
    "boolean", "string", "integer", "int", "long", "short", "byte", "decimal", "double", "float",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt",
    "unsignedLong", "unsignedShort", "unsignedByte", "normalizedString", "token", "anyURI", "dateTime")}

# Properties whose listed values the rules read as complete (docs/vocabulary.md: "a listed set is complete";
# the rules test absence of a use with FILTER NOT EXISTS, and EU-09c reads every vesicle component). The
# cross-check states that closure explicitly, so that OWL definitions using universal restrictions can fire
# under the open world.
CLOSED_PROPERTIES = (EVKG.intendedUse, EVKG.loadedCargo, EVKG.hasEVComponent)

RULE_OUTCOME_STATUSES_COUNTED = {"settled", "provisional", "contested", "superseded"}


class ReasonerError(EvkgError):
    """HermiT could not be run (Java missing or failed): exit code 2, with what to do."""


def _owlready2():
    from evkg.core.errors import import_extra

    return import_extra("owlready2", "`evkg reason` needs the OWL reasoner package owlready2", "reason")


def java_command() -> str:
    """The Java executable HermiT will run: $JAVA_HOME/bin/java, else `java` on the PATH.
    Raises ReasonerError saying how to install Java when there is none."""
    import os
    import shutil

    owlready2 = _owlready2()
    home = os.environ.get("JAVA_HOME")
    candidates = [str(Path(home) / "bin" / "java")] if home else []
    candidates.append(owlready2.JAVA_EXE or "java")
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            owlready2.JAVA_EXE = found
            return found
    raise ReasonerError("Java was not found: `evkg reason` runs the OWL reasoner HermiT, which needs Java 8 or "
                        "later. Install a Java runtime (for example `sudo apt install default-jre`, or from "
                        "adoptium.net) and make sure `java` is on the PATH or JAVA_HOME is set. `evkg check` "
                        "does not need Java.")


@dataclass
class OntologyCheck:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


@dataclass(frozen=True)
class Disagreement:
    product: str
    category: str
    owl_says: bool
    rules_say: bool
    owl_conditions: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def describe(self, labels: dict[str, str] | None = None) -> str:
        labels = labels or {}
        name = labels.get(self.category, _local(self.category))
        if self.owl_says:
            because = ", ".join(labels.get(c, _local(c)) for c in self.owl_conditions) or "its axioms"
            return (f"{self.product}: the ontology infers {name} ({because}), but no classification rule "
                    f"concluded it.")
        return (f"{self.product}: the rules concluded {name} (rule {', '.join(self.rules) or '?'}), but the "
                f"ontology's definition of {name} is not met by the description.")


@dataclass
class CrossCheck:
    consistent: bool
    unsatisfiable: list[str]
    products: list[str]
    categories: list[str]
    disagreements: list[Disagreement]
    owl_types: dict[str, set[str]]
    rule_types: dict[str, set[str]]
    unreadable: list = field(default_factory=list)     # (node, property, value) left out: not of their datatype

    @property
    def agree(self) -> bool:
        return self.consistent and not self.unsatisfiable and not self.disagreements


# ------------------------------------------------------------------------------------------------ ontology

def ontology_graph() -> Graph:
    from evkg.core import resources

    return resources.ontology_graph()


def check_ontology(graph: Graph | None = None) -> OntologyCheck:
    """Run HermiT on the ontology (all ontology/**/*.ttl unless a graph is given)."""
    world, _ = _reason(graph if graph is not None else ontology_graph())
    if world is None:
        return OntologyCheck(consistent=False)
    try:
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
        return OntologyCheck(consistent=True, unsatisfiable=unsatisfiable)
    finally:
        world.close()


def _reason(graph: Graph):
    """Load a graph into a new owlready2 World and run HermiT; (None, None) if inconsistent."""
    owlready2 = _owlready2()
    java_command()
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="evkg-owl-") as tmp:
        path = Path(tmp) / "input.nt"
        # The graph already holds the whole import closure; owlready2 would try to download each owl:imports.
        triples = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        path.write_bytes(b"".join(t for t in triples if b"<http://www.w3.org/2002/07/owl#imports>" not in t))
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                           ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            world.close()
            return None, None
        except owlready2.OwlReadyJavaError as exc:
            world.close()
            raise ReasonerError(f"HermiT failed: {exc}") from exc
        except FileNotFoundError as exc:
            world.close()
            raise ReasonerError("Java was not found; the OWL reasoner HermiT needs Java 8 or later "
                                "on the PATH (or JAVA_HOME set).") from exc
    return world, onto


# ------------------------------------------------------------------------------------------------ definitions

def defined_categories(ontology: Graph) -> dict[str, set[str]]:
    """Category IRI -> the condition classes (marked evkg:mirrorsRule) that imply it."""
    found: dict[str, set[str]] = {}
    for condition in set(ontology.subjects(EVKG.mirrorsRule, None)):
        for category in ontology.objects(condition, RDFS.subClassOf):
            if isinstance(category, URIRef):
                found.setdefault(str(category), set()).add(str(condition))
    return found


def _category_ancestors(ontology: Graph, category: str) -> set[str]:
    seen, todo = set(), [URIRef(category)]
    while todo:
        node = todo.pop()
        for parent in ontology.objects(node, RDFS.subClassOf):
            if isinstance(parent, URIRef) and str(parent) not in seen:
                seen.add(str(parent))
                todo.append(parent)
    return seen


# ------------------------------------------------------------------------------------------------ facts

def description_facts(data: Graph, ontology: Graph) -> Graph:
    """The part of `data` that describes products, in a form HermiT accepts, plus closure axioms.

    Keeps rdf:type to ontology classes that are not regulatory categories, and the values of properties
    the ontology declares as object or datatype properties. Inferred outcome nodes and category typing
    are dropped: the ontology must reach its conclusions from the description alone.
    """
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    data_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    category_root = EVKG.RegulatoryCategory
    categories = {c for c in classes if category_root in _closure(ontology, c)} | {category_root}
    outcome_nodes = set(data.subjects(RDF.type, EVKG.ClassificationOutcome))

    facts = Graph()
    individuals = set()
    for s, p, o in data:
        if s in outcome_nodes:
            continue
        if p == RDF.type:
            if o in classes and o not in categories and o != EVKG.ClassificationOutcome:
                facts.add((s, p, o))
                individuals.add(s)
        elif p in object_props and not isinstance(o, Literal):
            facts.add((s, p, o))
            individuals.update((s, o))
        elif p in data_props and isinstance(o, Literal) and o.datatype in OWL2_DATATYPES and not o.ill_typed:
            facts.add((s, p, o))   # an ill-typed value ("200 nm" as a decimal) no OWL reader accepts
            individuals.add(s)
    for node in individuals:
        if isinstance(node, URIRef) and node not in classes:
            facts.add((node, RDF.type, OWL.NamedIndividual))
    for product in set(data.subjects(RDF.type, EVKG.EVProduct)):
        if (product, EVKG.targetSpecies, None) not in data:    # the rules read an unstated species as people
            facts.add((product, EVKG.targetSpecies, EVKG.HumanPatients))
        for prop in CLOSED_PROPERTIES:
            values = sorted(set(data.objects(product, prop)), key=str)
            if prop == EVKG.loadedCargo and not values and not _stated_true(data, product, EVKG.hasNoLoadedCargo):
                continue
            if prop in (EVKG.intendedUse, EVKG.hasEVComponent) and not values:
                continue
            if prop == EVKG.hasEVComponent and any(not isinstance(value, URIRef) for value in values):
                continue   # a nominal needs named individuals
            facts.add((product, RDF.type, _only(facts, prop, values)))
    return facts


def _stated_true(data: Graph, node, prop) -> bool:
    return any(isinstance(v, Literal) and v.toPython() is True for v in data.objects(node, prop))


def _only(graph: Graph, prop, values) -> BNode:
    """prop only {values} (only owl:Nothing when the list is empty)."""
    restriction = BNode()
    graph.add((restriction, RDF.type, OWL.Restriction))
    graph.add((restriction, OWL.onProperty, prop))
    if values:
        one_of, items = BNode(), BNode()
        graph.add((one_of, RDF.type, OWL.Class))
        Collection(graph, items, list(values))
        graph.add((one_of, OWL.oneOf, items))
        graph.add((restriction, OWL.allValuesFrom, one_of))
    else:
        graph.add((restriction, OWL.allValuesFrom, OWL.Nothing))
    return restriction


def _closure(ontology: Graph, cls) -> set:
    seen, todo = set(), [cls]
    while todo:
        node = todo.pop()
        for parent in ontology.objects(node, RDFS.subClassOf):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


# ------------------------------------------------------------------------------------------------ cross-check

def owl_categories(data: Graph, ontology: Graph | None = None
                   ) -> tuple[bool, list[str], dict[str, set[str]]]:
    """(consistent, unsatisfiable classes, product IRI -> every class HermiT infers for it)."""
    ontology = ontology if ontology is not None else ontology_graph()
    facts = description_facts(data, ontology)
    products = sorted(str(p) for p in facts.subjects(RDF.type, EVKG.EVProduct) if isinstance(p, URIRef))
    merged = Graph()
    for triple in ontology:
        merged.add(triple)
    for triple in facts:
        merged.add(triple)
    world, _ = _reason(merged)
    if world is None:
        return False, [], {p: set() for p in products}
    try:
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))
        types: dict[str, set[str]] = {}
        for iri in products:
            individual = world[iri]
            inferred: set[str] = set()
            for cls in getattr(individual, "is_a", []):
                if hasattr(cls, "ancestors"):
                    inferred.update(a.iri for a in cls.ancestors() if hasattr(a, "iri"))
            types[iri] = inferred
        return True, unsatisfiable, types
    finally:
        world.close()


def override_rule_ids(rules: Graph) -> set[str]:
    """Rules that adopt a regulator's decision rather than reading the description."""
    return {str(rule_id) for rule in rules.subjects(EVKG.needsFact, EVKG.agencyDetermination)
            for rule_id in rules.objects(rule, EVKG.ruleId)}


def rule_categories(data: Graph, ontology: Graph | None = None) -> tuple[dict[str, set[str]], dict]:
    """Product IRI -> categories the rules derived from the description (with their super-categories), and
    (product, category) -> rule ids."""
    from evkg.classification.engine import classify
    from evkg.core import resources

    ontology = ontology if ontology is not None else ontology_graph()
    overrides = override_rule_ids(resources.rules_graph())
    result = classify(data)
    types: dict[str, set[str]] = {}
    derivations: dict[tuple[str, str], set[str]] = {}
    for outcome in result.outcomes:
        if outcome.status not in RULE_OUTCOME_STATUSES_COUNTED:
            continue
        # the outcome reports its strongest path; a regulator's decision may hide a fact-based derivation
        paths = [(outcome.rule, outcome.status)] + list(outcome.other_derivations)
        from_facts = sorted({rule for rule, status in paths
                             if rule and rule not in overrides and status in RULE_OUTCOME_STATUSES_COUNTED})
        if not from_facts:
            continue
        product, category = str(outcome.product), str(outcome.category)
        for concluded in {category} | _category_ancestors(ontology, category):
            types.setdefault(product, set()).add(concluded)
            derivations.setdefault((product, concluded), set()).update(from_facts)
    return types, derivations


def cross_check(data: Graph) -> CrossCheck:
    """Compare HermiT's category types with the rules' conclusions, for the categories the ontology defines."""
    ontology = ontology_graph()
    defined = defined_categories(ontology)
    consistent, unsatisfiable, owl_types = owl_categories(data, ontology)
    rule_types, derivations = rule_categories(data, ontology)
    disagreements = []
    if consistent:
        for product in sorted(owl_types):
            for category in sorted(defined):
                owl_says = category in owl_types[product]
                rules_say = category in rule_types.get(product, set())
                if owl_says != rules_say:
                    conditions = tuple(sorted(c for c in defined[category] if c in owl_types[product]))
                    disagreements.append(Disagreement(
                        product, category, owl_says, rules_say, conditions,
                        tuple(sorted(derivations.get((product, category), ())))))
    unreadable = sorted(((s, p, o) for s, p, o in data if isinstance(o, Literal) and o.ill_typed), key=str)
    return CrossCheck(consistent=consistent, unsatisfiable=unsatisfiable, products=sorted(owl_types), categories=sorted(defined),
                      disagreements=disagreements, owl_types=owl_types, rule_types=rule_types, unreadable=unreadable)


def labels(ontology: Graph | None = None) -> dict[str, str]:
    ontology = ontology if ontology is not None else ontology_graph()
    return {str(s): str(o) for s, o in ontology.subject_objects(RDFS.label) if isinstance(s, URIRef)}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
