"""The memory that answers take while their clients read them slowly, over all connections: a real server.

Each answer was capped (--max-answer-bytes) and each client had to read 64 KB of it per --read-timeout, but
nothing capped the sum: twenty connections that each asked for a large answer and read it at that pace held
twenty large answers in the server's memory at once. --max-held-answer-bytes caps the total; an answer that
would pass it is refused with 503 and Retry-After, and once the slow readers are gone answers are sent again.
"""
from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from evkg.web.app import running_server

LIMIT = 12_000_000          # above what the system's socket buffers take from one connection (a few MB)
QUERY = "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 40000")   # about 6 MB of results


@pytest.fixture(scope="module")
def server():
    with running_server("--max-answer-bytes", str(LIMIT), "--max-held-answer-bytes", str(LIMIT),
                        "--read-timeout", "120") as url:
        yield url


def held(url: str) -> dict:
    return httpx.get(f"{url}/health", timeout=30).json()["answers"]


def slow_reader(url: str) -> socket.socket:
    """A client that asks for the large answer and reads none of it (within its read deadline)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))
    sock.sendall(f"GET {QUERY} HTTP/1.1\r\nHost: evkg\r\n\r\n".encode())
    return sock


def test_answers_past_the_memory_held_for_slow_readers_are_refused_until_they_are_read(server):
    whole = httpx.get(f"{server}{QUERY}", timeout=60)
    assert whole.status_code == 200, whole.text[:300]
    size = len(whole.content)
    assert held(server) == {"bytes_held": 0, "max_bytes_held": LIMIT}
    readers = []
    try:
        # slow readers, until what they hold leaves no room for one more such answer
        while held(server)["bytes_held"] + size <= LIMIT:
            assert len(readers) < 10, held(server)
            before = held(server)["bytes_held"]
            readers.append(slow_reader(server))
            for _ in range(200):          # until the server has made that answer and holds what is unsent
                if held(server)["bytes_held"] > before:
                    break
                time.sleep(0.1)
        refused = httpx.get(f"{server}{QUERY}", timeout=60)
        assert refused.status_code == 503, refused.text[:300]
        assert refused.headers["retry-after"] == "5"
        body = refused.json()
        assert body["error"] == "answers-waiting" and body["max_bytes_held"] == LIMIT
        assert body["bytes_held"] + size > LIMIT
        said = re.match(r"this answer is ([\d,]+) bytes", body["message"])
        assert said and abs(int(said.group(1).replace(",", "")) - size) < size // 100, body["message"]
        assert "clients have not read yet" in body["message"] and "Try again in 5 seconds" in body["message"]
        assert "--max-held-answer-bytes" in body["message"]
        # small answers still fit beside them, and so does the head of a large one (sent without its body)
        assert httpx.get(f"{server}/queries", timeout=60).status_code == 200
        head = httpx.head(f"{server}{QUERY}", timeout=60)
        assert head.status_code == 200 and int(head.headers["content-length"]) > LIMIT // 4, head.headers
    finally:
        for reader in readers:
            reader.close()
    for _ in range(100):                   # the server sees the closes a moment later
        if held(server)["bytes_held"] == 0:
            break
        time.sleep(0.1)
    again = httpx.get(f"{server}{QUERY}", timeout=60)
    assert again.status_code == 200 and len(again.content) > LIMIT // 4


def test_the_limit_cannot_be_below_the_largest_answer(capsys):
    from evkg.cli import main

    assert main(["serve", "--port", "0", "--max-answer-bytes", "2000000", "--max-held-answer-bytes", "1000000"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--max-held-answer-bytes (1,000,000) is smaller than --max-answer-bytes (2,000,000)" in err
    assert "could never be sent" in err


def test_the_option_is_in_the_help_and_the_documentation(capsys):
    from evkg.cli import main

    assert main(["serve", "--help"]) == 0
    assert "--max-held-answer-bytes BYTES" in capsys.readouterr().out
    text = (Path(__file__).resolve().parent.parent / "docs" / "serve.md").read_text(encoding="utf-8")
    assert "| `--max-held-answer-bytes` |" in text and "`answers-waiting`" in text
