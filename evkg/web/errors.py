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
    from evkg.graph.query_forms import unfit_answer

    if kind in ("construct", "describe"):
        written_as = "a SPARQL results format (json, csv, tsv, xml)"
        remedy = "format=ttl (Turtle) or format=nt (N-Triples)"
    else:
        written_as, remedy = "Turtle or N-Triples", "format=json, csv, tsv or xml"
    return ServiceError(400, "bad-format", f"the query {unfit_answer(kind, written_as)}. Ask for {remedy}, or leave "
                        "format out.")
