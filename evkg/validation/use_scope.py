"""Which checks a product's intended use calls for.

An in vitro diagnostic examines specimens taken from the body and is never given to anyone (Regulation (EU)
2017/746, Article 2(2); 21 CFR 809.3(a)); the facts that decide a medicinal product's category (the vesicles'
role, therapeutic approach, cells in the final product, manufacturing setting) and the release tests, dose and
studies of a product given to people (Directive 2001/83/EC, Annex I) are not asked of it. A shape that asks only
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
from dataclasses import dataclass

from rdflib import Literal

from evkg.core import resources
from evkg.core.intended_use import (IN_VITRO, INTENDED_USE, facts_of, out_of_scope, stated_by_product,
                                    use_facts_query)
from evkg.core.namespaces import EVKG


@functools.cache
def _marked(shape, annotation) -> bool:
    return resources.shapes_graph().value(shape, annotation) == Literal(True)


@dataclass(frozen=True)
class UseScopes:
    """The products whose stated uses leave some checks unasked."""
    in_vitro_only: frozenset = frozenset()        # every use an in vitro diagnosis: given to no one
    non_medical_only: frozenset = frozenset()     # every use non-medical: no medicinal question is asked

    def asks(self, shape, product) -> bool:
        """Whether `shape` applies to `product`."""
        if product in self.in_vitro_only and _marked(shape, EVKG.onlyForUseInPeople):
            return False
        return not (product in self.non_medical_only and _marked(shape, EVKG.onlyForMedicalUse))


def use_scopes(store, data_graph: str, term=lambda node: node) -> UseScopes:
    """The use scopes of the products of `data_graph` in the pyoxigraph `store`; `term` turns a pyoxigraph node
    into the caller's kind of term."""
    stated = stated_by_product(store.query(use_facts_query(data_graph)))
    return UseScopes(
        in_vitro_only=frozenset(term(p) for p, facts in stated.items() if facts[INTENDED_USE] == {IN_VITRO}),
        # presented for a disease or given as no cosmetic or food is, a product is a medicine (V-13, V-14)
        non_medical_only=frozenset(term(p) for p, facts in stated.items() if out_of_scope(*facts_of(facts))))
