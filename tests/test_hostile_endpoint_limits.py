"""A remote endpoint cannot hold evkg past its time limit: at the limit the read itself ends, so no thread keeps
reading from a server that trickles its answer (run inside another program, such a thread would read for days).
Nor can its answer end evkg in a traceback."""
from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

from tests.cli_session import run


class TricklingServer:
    """A local HTTP server that answers one byte at a time, without end, and notes when the client hangs up."""

    def __init__(self, head: bytes):
        self.head = head
        self.hung_up = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sparql"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            connection = self.listener.accept()[0]
        except OSError:
            return
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(self.head)
                while True:
                    connection.sendall(b" ")
                    time.sleep(0.2)
            except OSError:
                self.hung_up.set()

    def close(self):
        self.listener.close()


def _readers():
    return [t for t in threading.enumerate() if t.name == "evkg-query" and t.is_alive()]


def _assert_stopped(capsys, tmp_path, head: bytes, *command):
    server = TricklingServer(head)
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    try:
        code, _, err = run(capsys, *(command or ("query", query)), "--endpoint", server.url, "--timeout", "1")
        assert code == 2 and "did not answer within 1 s" in err and "Traceback" not in err, err
        # the connection is closed by evkg, not left to a reader that would go on until the byte cap
        assert server.hung_up.wait(30), "evkg kept reading after the time limit"
        for thread in _readers():
            thread.join(30)
        assert not _readers()
    finally:
        server.close()


def test_a_trickled_answer_body_is_cut_at_the_time_limit(capsys, tmp_path):
    _assert_stopped(capsys, tmp_path, b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                      b"Content-Length: 100000000\r\n\r\n")


def test_trickled_headers_are_cut_at_the_time_limit(capsys, tmp_path):
    _assert_stopped(capsys, tmp_path, b"HTTP/1.1 200 OK\r\nX-Slow: ")


def test_loading_into_a_store_that_trickles_its_answer_is_cut_at_the_time_limit(capsys, tmp_path, built_store_path):
    _assert_stopped(capsys, tmp_path, b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n",
                    "load", "--store", built_store_path, "--quiet")


def test_a_time_limit_under_a_second_holds(capsys, tmp_path):
    """SPARQLWrapper keeps whole seconds: --timeout 0.5 became 0, no limit on the socket at all."""
    server = TricklingServer(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    try:
        code, _, err = run(capsys, "query", query, "--endpoint", server.url, "--timeout", "0.5")
        assert code == 2 and "did not answer within 0.5 s" in err, err
    finally:
        server.close()


@pytest.mark.parametrize("command", [("query", "products-by-category"), ("load",)])
def test_an_endless_time_limit_for_an_endpoint_is_refused_in_words(capsys, command):
    code, _, err = run(capsys, *command, "--endpoint", "http://127.0.0.1:9/query", "--timeout", "inf")
    assert code == 2 and "inf is not a time limit evkg can keep" in err and "Traceback" not in err, err


def test_an_endpoint_given_an_endless_time_limit_by_a_program_refuses_it_in_words():
    from evkg.core.errors import UsageError
    from evkg.graph.store import RemoteEndpoint

    with pytest.raises(UsageError, match="at most 86,400 [(]a day[)] for an endpoint, not inf"):
        RemoteEndpoint("http://127.0.0.1:9/query", timeout=float("inf"))


def test_an_endpoint_sending_evkg_on_to_an_ftp_address_is_not_followed(capsys, tmp_path):
    """urllib follows a redirect to ftp://, a connection the time limit did not watch."""
    ftp = socket.socket()
    ftp.bind(("127.0.0.1", 0))
    ftp.listen(1)
    ftp.settimeout(0.5)
    target = f"ftp://127.0.0.1:{ftp.getsockname()[1]}/answer"
    server = TricklingServer(f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode())
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    try:
        code, _, err = run(capsys, "query", query, "--endpoint", server.url, "--timeout", "5")
        assert code == 2 and f"it sent evkg on to {target}, which is not an http(s) address" in err, err
        with pytest.raises(TimeoutError):
            ftp.accept()                               # nothing came to the ftp address
    finally:
        server.close()
        ftp.close()


class _FixedAnswer(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("body, said", [
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [' + b"[" * 1000 + b"]" * 1000 + b"]}}",
     "Expecting a new solution object"),
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "uri", "value": "a b"}}]}}',
     "Invalid IRI code point")])
def test_an_answer_broken_deep_inside_is_an_error_in_words(capsys, tmp_path, body, said):
    """The results are read lazily: a fault past their start ended in a traceback (SyntaxError)."""
    handler = type("Answer", (_FixedAnswer,), {"body": body})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    query = tmp_path / "select.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    try:
        code, _, err = run(capsys, "query", query, "--endpoint", f"http://127.0.0.1:{server.server_address[1]}/q")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 2 and "sent an answer that is not SPARQL JSON results" in err and said in err, err
