"""Generated documentation (stage: publishing; imports any stage below the interfaces).

`docs` writes docs/rules.md, docs/queries.md and docs/ontology/ (`python -m evkg.publish.docs`);
`rules_doc` and `ontology_html` render the rule table and the ontology pages.
"""
