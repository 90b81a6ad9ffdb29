"""`evkg rules`"""
from __future__ import annotations

import click

from evkg.cli.options import format_option


@click.command(name="rules")
@format_option(("text", "json"), "text", "Output format.")
def command(fmt):
    """List the rule sets: the law in force (the default) and the overlays to try with --rules, each with
    the legal text it implements, its version and status, and the rules it changes.

    \b
    Example:
      evkg rules
      evkg whatif --rules eu-reform-proposal-2023
    """
    import json

    from evkg.classification.knowledge import knowledge, source_info
    from evkg.classification.rule_sets import bundled_rule_sets, overlay_chain

    rows = []
    for rule_set in bundled_rule_sets().values():
        changes = knowledge(overlay_chain(rule_set)).changes if rule_set.overlay else []
        own = [c for c in changes if c.origin == rule_set.file]
        rows.append({
            "name": rule_set.name, "label": rule_set.label, "default": rule_set.default,
            "law_status": rule_set.law_status, "text_version": rule_set.text_version,
            "jurisdictions": list(rule_set.jurisdictions) or ["all"],
            "legal_basis": [source_info(a)["label"] for a in rule_set.legal_basis],
            "derived_from": next((r.name for r in bundled_rule_sets().values() if r.iri == rule_set.derived_from),
                                 None),
            "changes": [f"{c.kind} {c.rule_id}" for c in own],
        })
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    for row in rows:
        kind = "default" if row["default"] else f"overlay on {row['derived_from']}"
        click.echo(f"{row['name']}  ({kind}; {', '.join(row['jurisdictions'])})")
        click.echo(f"  {row['label']}")
        click.echo(f"  legal basis: {'; '.join(row['legal_basis'])}")
        click.echo(f"  status of the text: {row['law_status']}; version: {row['text_version']}")
        if row["changes"]:
            click.echo(f"  changes: {', '.join(row['changes'])}")
    click.echo("\nTry one with `evkg whatif --rules NAME` or `evkg check --rules NAME FILE`; a Turtle file of "
               "your own rules works the same way (--rules my-overlay.ttl).")
    return 0
