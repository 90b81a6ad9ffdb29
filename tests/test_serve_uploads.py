"""`evkg serve` under many uploads at once, and compressed ones: a real server in a child process on 127.0.0.1.

The bodies held at once are capped at --max-bytes × (--workers + 2), here 1,000,000 × 3: past that a body is
refused with 503 and Retry-After, and the budget comes back when the uploads end. A compressed body is
refused with 415 rather than read as a broken description.
"""
from __future__ import annotations

import gzip
import socket
import time
from pathlib import Path

import httpx
import pytest

from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
MAX_BYTES = 1_000_000
BUDGET = MAX_BYTES * 3


@pytest.fixture(scope="module")
def server():
    with running_server("--workers", "1", "--max-bytes", str(MAX_BYTES), "--read-timeout", "20",
                        "--timeout", "30") as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


def held(server) -> int:
    return server.get("/health").json()["uploads"]["bytes_held"]


def wait_until_held(server, size: int) -> None:
    deadline = time.monotonic() + 15
    while held(server) != size:
        assert time.monotonic() < deadline, f"the server holds {held(server):,} bytes, not {size:,}"
        time.sleep(0.05)


def start_uploads(server, *lengths: int) -> list[socket.socket]:
    """Uploads that declare their length and send only their first bytes, as a slow client does."""
    port = int(str(server.base_url).rsplit(":", 1)[1].rstrip("/"))
    sockets = []
    for length in lengths:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/turtle\r\n"
                     b"Content-Length: %d\r\n\r\n# a slow upload\n" % length)
        sockets.append(sock)
    return sockets


def test_uploads_past_the_budget_get_503_and_the_budget_comes_back(server):
    slow = start_uploads(server, MAX_BYTES, MAX_BYTES, MAX_BYTES)
    try:
        wait_until_held(server, BUDGET)
        refused = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle"})
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["retry-after"] == "5"
        assert refused.json()["error"] == "busy" and "receiving other uploads" in refused.json()["message"]
    finally:
        for sock in slow:
            sock.close()
    wait_until_held(server, 0)
    answer = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle"})
    assert answer.status_code == 200 and answer.json()["summary"]["conforms"] is True


def test_a_large_body_refused_before_it_is_read_still_gets_its_answer(server):
    """Refused unread, a body left the connection reset under the client, which then never saw the 503 and
    its Retry-After: what is left of a refused body is read and dropped before the answer."""
    slow = start_uploads(server, MAX_BYTES, MAX_BYTES, MAX_BYTES)
    try:
        wait_until_held(server, BUDGET)
        for _ in range(12):
            refused = server.post("/check", content=b"# padding\n" * 90_000, headers={"Content-Type": "text/turtle"})
            assert refused.status_code == 503 and refused.headers["retry-after"] == "5", refused.text[:300]
    finally:
        for sock in slow:
            sock.close()
    wait_until_held(server, 0)


def test_a_body_without_a_length_is_counted_as_it_arrives(server):
    slow = start_uploads(server, MAX_BYTES, MAX_BYTES, MAX_BYTES // 2)
    try:
        wait_until_held(server, BUDGET - MAX_BYTES // 2)

        def chunks():                       # no Content-Length: sent chunked, under --max-bytes in all
            for _ in range(6):
                yield b"# " + b"x" * 99_997 + b"\n"

        refused = server.post("/check", content=chunks(), headers={"Content-Type": "text/turtle"})
        assert refused.status_code == 503, refused.text[:300]
    finally:
        for sock in slow:
            sock.close()
    wait_until_held(server, 0)


def test_a_compressed_body_is_refused_naming_its_encoding(server):
    answer = server.post("/check", content=gzip.compress(E1.read_bytes()),
                         headers={"Content-Type": "text/turtle", "Content-Encoding": "gzip"})
    assert answer.status_code == 415, answer.text[:300]
    assert answer.json()["error"] == "unsupported-encoding"
    assert "Content-Encoding: gzip" in answer.json()["message"] and "UTF-8" not in answer.json()["message"]
    assert answer.headers["accept-encoding"] == "identity"
    again = server.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle"})
    assert again.status_code == 200
