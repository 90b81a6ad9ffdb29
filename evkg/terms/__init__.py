"""External ontology terms (diseases, cell types, taxa, anatomy, proteins, chemicals): the term index bundled
with the package, the ontologies a user or an organisation adds with `evkg terms add`, the kind of each term
and the kinds each property accepts, and `search_terms` over both indexes for the command line and web forms.
"""
from evkg.terms.index import search_terms

__all__ = ["search_terms"]
