"""Regenerate the generated documentation: docs/queries.md (the query catalogue), docs/rules.md (the rule table)
and docs/ontology/index.html; in the repository also ontology/context.jsonld (the JSON-LD context).

    python -m evkg.publish.docs            # write into the repository's docs/
    python -m evkg.publish.docs --out DIR  # write elsewhere (the tests compare a fresh copy with docs/)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def generated() -> dict[str, str]:
    """Relative path -> content of every generated documentation file."""
    from evkg.classification.rule_sets import bundled_rule_sets, overlay_rule_graph
    from evkg.core import resources
    from evkg.graph.queries import catalogue_markdown
    from evkg.publish.ontology_html import ontology_html
    from evkg.publish.rules_doc import rules_markdown

    return {"queries.md": catalogue_markdown(),
            "rules.md": rules_markdown(resources.rules_graph(), resources.ontology_graph(), resources.data_graph(),
                                       rule_sets=[(r, overlay_rule_graph(r) if r.overlay else None)
                                                  for r in bundled_rule_sets().values()]),
            "ontology/index.html": ontology_html(resources.ontology_graph())}


def write(out: Path) -> list[Path]:
    written = []
    for relative, text in generated().items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evkg.publish.docs", description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "docs"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(f"wrote {path}", file=sys.stderr)
    if args.out == default:
        from evkg.io.context import CONTEXT_FILE, context_text

        context = default.parent / "ontology" / CONTEXT_FILE
        context.write_text(context_text(), encoding="utf-8")
        print(f"wrote {context}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
