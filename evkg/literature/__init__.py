"""The literature (stage: evidence; imports only evkg.core).

Mints paper IRIs (`identifiers`), reads reference exports (`formats`, one module per format: BibTeX, RIS,
CSL-JSON, PubMed MEDLINE and XML) into one record shape (`records`), imports them de-duplicated by DOI and
PubMed ID (`importer`), resolves the sources of claims to works and acts (`sources`) and renders citations
(`cite`). Reading never resolves XML entities and never reaches the network.
"""
