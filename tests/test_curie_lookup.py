"""Term look-up by CURIE under every prefix evkg knows, not only evkg: (the term pages and `evkg cite` use it)."""
from __future__ import annotations

import pytest

from evkg.core.errors import UsageError
from evkg.core.namespaces import expand_curie
from evkg.report.views import term_dict


@pytest.mark.parametrize("text, iri", [
    ("evkg:EU_GTMP", "https://w3id.org/evkg#EU_GTMP"),
    ("evsh:US-09", "https://w3id.org/evkg/shapes#US-09"),
    ("evd:act/us-21-cfr-600/600-3-h-6", "https://w3id.org/evkg/data/act/us-21-cfr-600/600-3-h-6"),
    ("obo:CL_0002570", "http://purl.obolibrary.org/obo/CL_0002570"),
    ("dct:source", "http://purl.org/dc/terms/source"),
    ("https://w3id.org/evkg#EU_ATMP", "https://w3id.org/evkg#EU_ATMP"),
])
def test_a_curie_expands_under_its_own_prefix(text, iri):
    assert expand_curie(text) == iri


def test_unknown_prefix_and_bare_names():
    assert expand_curie("nope:EU_GTMP") is None
    assert expand_curie("EU_GTMP") is None
    assert expand_curie("EU_GTMP", default_prefix="evkg") == "https://w3id.org/evkg#EU_GTMP"
    assert expand_curie("obo://CL_0002570") is None


@pytest.mark.parametrize("text, label", [
    ("obo:CL_0002570", "mesenchymal stem cell of adipose tissue"),
    ("evsh:US-09", "Protein of more than 40 amino acids in a drug: biological product"),
    ("evd:act/us-21-cfr-600/600-3-h-6", "21 CFR 600.3(h)(6)"),
    ("EU_GTMP", None),
])
def test_term_pages_find_terms_under_every_prefix(text, label):
    term = term_dict(text)
    assert term["iri"] == expand_curie(text, default_prefix="evkg")
    if label is not None:
        assert term["label"] == label


def test_a_term_under_an_unknown_prefix_is_refused_with_the_known_ones():
    with pytest.raises(UsageError) as caught:
        term_dict("nope:EU_GTMP")
    assert "evkg:" in str(caught.value) and "obo:" in str(caught.value)


@pytest.mark.parametrize("text", ["evkg:" + "a" * 100_000, "nope:" + "a" * 100_000, "a" * 100_000])
def test_a_long_unknown_term_is_quoted_back_cut_short(text):
    """GET /terms/ with a 100,000-character name answered 100 kB: the name, quoted back whole."""
    from evkg.web.linked_data import term_graph

    for look_up in (term_dict, lambda t: term_graph(expand_curie(t, default_prefix="evkg") or t)):
        with pytest.raises(UsageError) as caught:
            look_up(text)
        assert len(str(caught.value)) < 700 and "..." in str(caught.value), str(caught.value)[:300]
