"""Which checks a product's intended use calls for.

An in vitro diagnostic examines specimens taken from the body and is never given to anyone (Regulation (EU)
2017/746, Article 2(2); 21 CFR 809.3(a)); the facts that decide a medicinal product's category (the vesicles'
role, therapeutic approach, cells in the final product, manufacturing setting) and the release tests, dose and
studies of a product given to people (Directive 2001/83/EC, Annex I) are not asked of it. Nor are they of a device
that takes vesicles out of the patient's blood outside the body and gives nothing back but the blood
(Regulation (EU) 2017/745, Article 2(1); FD&C Act 201(h)). A shape that asks only
for those carries evkg:onlyForUseInPeople true.

A product whose every intended use is non-medical (a cosmetic, a food, a research reagent) is outside the
medicinal-product rules (Directive 2001/83/EC, Article 1(2)): no classification question is asked of it, so
neither are the facts that decide one nor the tests and studies of a medicine (shapes marked
evkg:onlyForMedicalUse true). The vesicles themselves are still checked against MISEV, and its shelf life and
storage are still asked.

A fact such a shape finds missing is not reported and its check is not counted, while a value the product does
state is checked as ever. A product with any other use is asked everything.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from rdflib import Literal

from evkg.core import resources
from evkg.core.intended_use import GIVEN_TO_NO_ONE, facts_of, out_of_scope, stated_by_product, use_facts_query
from evkg.core.namespaces import EVKG


@functools.cache
def _marked(shape, annotation) -> bool:
    return resources.shapes_graph().value(shape, annotation) == Literal(True)


@functools.cache
def constraint_marked(constraint_id: str, annotation) -> bool:
    """Every shape of this constraint id (one or more) carries `annotation` true."""
    shapes = list(resources.shapes_graph().subjects(EVKG.constraintId, Literal(constraint_id)))
    return bool(shapes) and all(_marked(shape, annotation) for shape in shapes)


def unasked_marks(uses: set, disease_claims: set, routes: set, species: set = frozenset()) -> frozenset:
    """The marks of the checks a product stating these uses, disease claims, routes and target species is not
    asked."""
    marks = set()
    if len(uses) == 1 and uses <= GIVEN_TO_NO_ONE:
        marks.add(EVKG.onlyForUseInPeople)          # given to no one
    if out_of_scope(uses, disease_claims, routes, species):
        marks.add(EVKG.onlyForMedicalUse)           # no medicinal question is asked (V-13, V-14 say when it is)
    return frozenset(marks)


@dataclass(frozen=True)
class UseScopes:
    """The products whose stated uses leave some checks unasked."""
    unasked: dict = field(default_factory=dict)     # product -> marks of the checks it is not asked

    def asks(self, shape, product) -> bool:
        """Whether `shape` applies to `product`."""
        return not any(_marked(shape, mark) for mark in self.unasked.get(product, ()))


def use_scopes(store, data_graph: str, term=lambda node: node) -> UseScopes:
    """The use scopes of the products of `data_graph` in the pyoxigraph `store`; `term` turns a pyoxigraph node
    into the caller's kind of term."""
    stated = stated_by_product(store.query(use_facts_query(data_graph)))
    unasked = {term(product): unasked_marks(*facts_of(facts)) for product, facts in stated.items()}
    return UseScopes({product: marks for product, marks in unasked.items() if marks})
