"""Regulatory classification (stage: classification; imports evkg.core, evkg.io).

`engine` runs the SHACL-AF rules of shapes/rules-*.ttl to a fixpoint and returns outcomes with premises,
statuses, sources and the facts still missing; `explain` renders a derivation; `reason` cross-checks the
rules against the OWL category definitions with HermiT. What a rule needs is read from the rule files.
"""
