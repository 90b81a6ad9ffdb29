"""Which checks a product's intended use calls for.

An in vitro diagnostic examines specimens taken from the body and is never given to anyone (Regulation (EU)
2017/746, Article 2(2); 21 CFR 809.3(a)); the facts that decide a medicinal product's category (the vesicles'
role, therapeutic approach, cells in the final product, manufacturing setting) and the release tests, dose and
studies of a product given to people (Directive 2001/83/EC, Annex I) are not asked of it. A shape that asks only
for those carries evkg:onlyForUseInPeople true. For a product whose every stated intended use is
evkg:DiagnosticInVitro its checks are not counted and a fact it finds missing is not reported, while a value the
product does state is checked as ever. A product with any other use is asked everything.
"""
from __future__ import annotations

import functools

from rdflib import Literal

from evkg.core import resources
from evkg.core.namespaces import EVKG

IN_VITRO = str(EVKG.DiagnosticInVitro)


@functools.cache
def only_for_use_in_people(shape) -> bool:
    return resources.shapes_graph().value(shape, EVKG.onlyForUseInPeople) == Literal(True)


def in_vitro_diagnostics(store, data_graph: str) -> set:
    """The products (pyoxigraph terms) of `data_graph` in `store` whose every intended use is an in vitro
    diagnosis."""
    uses: dict = {}
    query = f"SELECT ?p ?u WHERE {{ GRAPH <{data_graph}> {{ ?p <{EVKG.intendedUse}> ?u }} }}"
    for product, use in store.query(query):
        uses.setdefault(product, set()).add(use.value)
    return {product for product, stated in uses.items() if stated == {IN_VITRO}}


def is_asked(shape, product, not_given_to_people: set) -> bool:
    """Whether `shape` applies to `product`."""
    return product not in not_given_to_people or not only_for_use_in_people(shape)
