"""HTTP for remote endpoints: a wall-clock limit on each exchange, and plain words for what went wrong.

A socket timeout bounds each read, not the whole answer: a server sending one byte a second passes every read,
so an answer (or its headers) could take days, and the thread reading it lived on after evkg had given up. At
the deadline the exchange's sockets are shut, which ends a read in progress in whichever thread makes it.
"""
from __future__ import annotations

import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

from evkg.graph.query_forms import _first_line


class Deadline:
    """Sockets opened through ``opener()`` are shut ``seconds`` after entering; ``expired`` tells afterwards."""

    def __init__(self, seconds: float):
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.name = "evkg-deadline"

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def opener(self) -> urllib.request.OpenerDirector:
        deadline = self

        def watched(base):
            class Connection(base):
                def connect(self):
                    super().connect()
                    deadline.watch(self.sock)
            return Connection

        class HTTPHandler(urllib.request.HTTPHandler):
            def do_open(self, http_class, req, **kwargs):
                return super().do_open(watched(http_class), req, **kwargs)

        class HTTPSHandler(urllib.request.HTTPSHandler):
            def do_open(self, http_class, req, **kwargs):
                return super().do_open(watched(http_class), req, **kwargs)

        # http(s) only: urllib's default opener follows a redirect to ftp://, a connection no deadline watches
        opener = urllib.request.OpenerDirector()
        for handler in (urllib.request.ProxyHandler(), HTTPHandler(), HTTPSHandler(), _HttpRedirects(),
                        urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
                        urllib.request.UnknownHandler()):
            opener.add_handler(handler)
        return opener


class _HttpRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            from evkg.core.safe_text import shortened

            raise urllib.error.URLError(f"it sent evkg on to {shortened(newurl, 120)}, which is not an http(s) "
                                        "address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)          # wakes a read blocked in another thread; close() would not
    except OSError:
        pass


def sparql_client(url: str, deadline: Deadline, timeout: float, **kwargs):
    """A SPARQLWrapper client whose requests go through ``deadline`` (SPARQLWrapper opens them itself), each
    read waiting ``timeout`` seconds (SPARQLWrapper's own setting is in whole seconds: 0.5 became no limit)."""
    from SPARQLWrapper import SPARQLExceptions, SPARQLWrapper

    errors = {400: SPARQLExceptions.QueryBadFormed, 401: SPARQLExceptions.Unauthorized,
              404: SPARQLExceptions.EndPointNotFound, 414: SPARQLExceptions.URITooLong,
              500: SPARQLExceptions.EndPointInternalError}

    class Client(SPARQLWrapper):
        def _query(self):
            request = self._createRequest()
            try:
                return deadline.opener().open(request, timeout=timeout), self.returnFormat
            except urllib.error.HTTPError as exc:
                if exc.code in errors:
                    raise errors[exc.code](exc.read()) from None
                raise

    return Client(url, **kwargs)


def http_message(exc, where: str, url: str) -> str:
    """What an endpoint's HTTP error means, for a SPARQLWrapper exception ``exc``."""
    text = str(exc)
    name = type(exc).__name__
    if name == "QueryBadFormed":
        detail = server_detail(text)
        base = re.sub(r"/(query|update|sparql)/?$", "", url)
        if re.search(r"\bupdate\b.*\bmust be (set|given)", detail, re.IGNORECASE):
            return (f"{where} is a service for changing data (SPARQL Update), not for queries: ask "
                    f"its query service instead, e.g. --endpoint {base}/query (Oxigraph)")
        if re.search(r"\bquery\b.*\bmust be (set|given)", detail, re.IGNORECASE):
            return (f"{where} is a query service and does not take changes: load through its update "
                    f"service, e.g. --endpoint {base}/update (Oxigraph), or add --graph-store {base}/store")
        return f"{where} rejected the query as malformed: {detail}"
    if name == "EndPointNotFound":
        return f"{where} was not found (HTTP 404); check the URL (Oxigraph uses /query)"
    if name == "Unauthorized":
        return f"{where} refused access (HTTP 401); it needs credentials"
    if name == "URITooLong":
        return f"{where} found the request too long (HTTP 414)"
    return f"{where} answered with an error: {server_detail(text)}"


def server_detail(text: str) -> str:
    marker = "Response:"
    if marker in text:
        text = text.split(marker, 1)[1]
        if text.startswith(" b'") or text.startswith("\nb'") or "b'" in text[:5]:
            text = text.strip()[2:-1].encode().decode("unicode_escape", "replace")
    return _first_line(text)


def reason_text(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "unknown host name"
    return str(reason)
