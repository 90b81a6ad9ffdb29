"""When a product that states only non-medical uses is a medicinal product all the same.

A product whose every stated use is non-medical (a cosmetic, a food, a research reagent) is outside the
medicinal-product rules, unless what else it states makes it a medicine whatever it is sold as:
- it is presented as treating or preventing a disease (Directive 2001/83/EC, Article 1(2)(a); FD&C Act
  201(g)(1)(B)): V-13;
- it is given by a route no cosmetic or food takes: a cosmetic is applied to the external parts of the body or
  the mouth (Regulation (EC) No 1223/2009, Article 2(1)(a)) and a food is swallowed (Regulation (EC) No
  178/2002, Article 2), so an injected, infused, inhaled or instilled product acts on the body as a medicine
  does (Directive 2001/83/EC, Article 1(2)(b)): V-14.
A product meant only for animals (target species) is a veterinary product (Regulation (EU) 2019/6, Article
4(1); FD&C Act 201(v)), outside the human medicinal-product law evkg applies, whatever its uses.
One definition serves the classifier's scope, the checks asked and the facts the rules wait for.
"""
from __future__ import annotations

from evkg.core.namespaces import EVKG

NON_MEDICAL = str(EVKG.NonMedical)
IN_VITRO = str(EVKG.DiagnosticInVitro)
REMOVAL = str(EVKG.ExtracorporealRemoval)
# a test on specimens, or a device taking vesicles out of blood passed outside the body: nothing is given to anyone
GIVEN_TO_NO_ONE = frozenset({IN_VITRO, REMOVAL})
INTENDED_USE, DISEASE_CLAIM, ROUTE = str(EVKG.intendedUse), str(EVKG.diseaseClaim), str(EVKG.routeOfAdministration)
TARGET_SPECIES, ANIMALS = str(EVKG.targetSpecies), str(EVKG.NonHumanAnimals)
ROUTES_OF_A_COSMETIC_OR_FOOD = frozenset({str(EVKG.Oral), str(EVKG.Topical)})
_TRUE = frozenset({"true", "1"})


def only_non_medical(uses: set) -> bool:
    """Every stated use is non-medical (and one is stated)."""
    return bool(uses) and set(uses) == {NON_MEDICAL}


def medicinal_all_the_same(uses: set, disease_claims: set, routes: set) -> bool:
    """A product stating only non-medical uses that is a medicine all the same: presented for a disease, or
    given by a route no cosmetic or food takes. `disease_claims` are the lexical forms stated, `routes` IRIs."""
    return only_non_medical(uses) and bool(set(disease_claims) & _TRUE or set(routes) - ROUTES_OF_A_COSMETIC_OR_FOOD)


def only_for_animals(species: set) -> bool:
    """The product is meant for animals other than people, and not for people (a veterinary product)."""
    return bool(species) and set(species) == {ANIMALS}


def out_of_scope(uses: set, disease_claims: set, routes: set, species: set = frozenset()) -> bool:
    """No medicinal-product question is asked of the product."""
    return only_for_animals(species) or (only_non_medical(uses)
                                         and not medicinal_all_the_same(uses, disease_claims, routes))


def stated_by_product(rows) -> dict:
    """product -> {property IRI: set of values (IRIs or lexical forms)} from the (product, property, value) rows
    of use_facts_query, pyoxigraph terms."""
    facts: dict = {}
    for product, prop, value in rows:
        entry = facts.setdefault(product, {INTENDED_USE: set(), DISEASE_CLAIM: set(), ROUTE: set(),
                                           TARGET_SPECIES: set()})
        entry[prop.value].add(value.value)
    return facts


def facts_of(stated: dict) -> tuple[set, set, set, set]:
    """(uses, disease claims, routes, target species) of one product's entry of stated_by_product (or an empty
    one)."""
    return (stated.get(INTENDED_USE, set()), stated.get(DISEASE_CLAIM, set()), stated.get(ROUTE, set()),
            stated.get(TARGET_SPECIES, set()))


def use_facts_query(graph: str | None = None) -> str:
    """SELECT ?p ?k ?v: every intended use, disease claim, route and target species stated (in `graph`, else the
    default graph)."""
    pattern = "?p ?k ?v ." if graph is None else f"GRAPH <{graph}> {{ ?p ?k ?v }}"
    return (f"SELECT ?p ?k ?v WHERE {{ {pattern} "
            f"VALUES ?k {{ <{INTENDED_USE}> <{DISEASE_CLAIM}> <{ROUTE}> <{TARGET_SPECIES}> }} }}")
