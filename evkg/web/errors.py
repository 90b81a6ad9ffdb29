"""Errors of `evkg serve`: an HTTP status, a code and a message for people, answered as JSON or a page."""
from __future__ import annotations

from evkg.core.errors import InputError


# what the query worker is given for the form whose answer cannot be written in the format asked for
UNFIT = "unfit"


class ServiceError(Exception):
    """An error answered as JSON (or an HTML page for browsers) with a status code."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None, **detail):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
        self.detail = {k: v for k, v in detail.items() if v is not None}

    def __reduce__(self):               # travels back from worker processes intact
        return _rebuild_service_error, (self.status, self.code, self.message, self.headers, self.detail)

    def as_dict(self) -> dict:
        return {"status": self.status, "error": self.code, "message": self.message, **self.detail}


def _rebuild_service_error(status, code, message, headers, detail) -> ServiceError:
    return ServiceError(status, code, message, headers=headers, **detail)


def input_error(exc: InputError, status: int, code: str) -> ServiceError:
    return ServiceError(status, code, str(exc), reason=exc.reason, line=exc.line, column=exc.column,
                        hint=exc.hint)


def update_refused() -> ServiceError:
    return ServiceError(403, "update-refused", "this endpoint only answers queries: SPARQL updates (INSERT, "
                        "DELETE, LOAD, CLEAR, DROP …) are refused. Use SELECT, ASK, CONSTRUCT or DESCRIBE.")


def remote_refused() -> ServiceError:
    return ServiceError(403, "remote-refused", "federated queries (SERVICE) are refused: this endpoint never "
                        "contacts other servers. Query the local graph only.")


def unfit_format(kind: str) -> ServiceError:
    """The refusal of a format that cannot hold the answer of a query of this form."""
    if kind in ("construct", "describe"):
        return ServiceError(400, "bad-format", f"the query is a {kind.upper()} query: its answer is a graph (RDF "
                            "triples), not a table of results, so it has no SPARQL results format (json, csv, tsv, "
                            "xml). Ask for format=ttl (Turtle) or format=nt (N-Triples), or leave format out.")
    answer = "yes or no" if kind == "ask" else "a table of results"
    return ServiceError(400, "bad-format", f"the query is a {kind.upper()} query: its answer is {answer}, not a "
                        "graph, so it cannot be written as Turtle or N-Triples. Ask for format=json, csv, tsv or "
                        "xml, or leave format out.")
