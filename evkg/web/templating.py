"""The page templates of `evkg serve` (Jinja2), shared by the server and its workers: a worker renders a large
part of a page (a query's table of thousands of rows) so that the server's loop only puts it in place."""
from __future__ import annotations

import functools
from pathlib import Path

from evkg import __version__
from evkg.classification.outcomes import JURISDICTION_NAMES
from evkg.core.namespaces import EVD, PREFIXES, curie

TEMPLATE_FOLDER = Path(__file__).parent / "templates"


@functools.lru_cache(maxsize=1)
def templates():
    import jinja2
    from starlette.templating import Jinja2Templates

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_FOLDER)), autoescape=True,
                             finalize=_shown_on_page)
    env.filters["verbatim"] = Verbatim
    env.globals.update(version=__version__, curie=curie, jurisdiction_names=JURISDICTION_NAMES)
    return Jinja2Templates(env=env)


class Verbatim(str):
    """Text a page gives back exactly as the user wrote it (the description in its text box)."""


def _shown_on_page(value):
    """Every value a template prints, with control and formatting characters (a right-to-left override that
    reorders a label, a zero-width space) shown as escapes; HTML escaping follows. Already-built HTML
    (fragments of the report, escaped the same way) and Verbatim text pass unchanged."""
    from markupsafe import Markup

    from evkg.core.safe_text import visible_lines

    if isinstance(value, str) and not isinstance(value, (Markup, Verbatim)):
        return visible_lines(value)
    return value


def page_fragment(name: str, context: dict):
    """A template rendered alone, as HTML (Markup) a page can hold: for work done outside the server's loop."""
    from markupsafe import Markup

    return Markup(templates().env.get_template(name).render(context))


def _cell(term) -> dict:
    """A result cell for the HTML table: its short text and, for IRIs, where to look it up."""
    import pyoxigraph as ox

    from evkg.graph.store import prefixed
    from evkg.report.views import product_id_of

    text = prefixed(term)
    href = None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(f"{EVD}product/"):
            href = f"/products/{product_id_of(iri)}"
        elif iri.startswith((PREFIXES["evkg"], PREFIXES["evsh"], str(EVD))):
            href = f"/terms/{curie(iri)}"
        elif iri.startswith(("http://", "https://")):
            href = iri
    return {"text": text, "href": href}


def table(results, title=None) -> dict:
    """Rows for the HTML table; `title` names the columns of a named query (raw variables otherwise)."""
    if results.kind == "ask":
        return {"kind": "ask", "boolean": results.boolean, "variables": [], "rows": []}
    if results.kind == "graph":
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for t in results.triples]
        return {"kind": "graph", "variables": ["subject", "predicate", "object"], "rows": rows}
    variables = [title(v) for v in results.variables] if title else results.variables
    return {"kind": "select", "variables": variables, "rows": [[_cell(t) for t in row] for row in results.rows]}
