"""`evkg serve` limits that must stop the work, not only the answer: a real server in a child process.

A term search runs in a thread of the server process, which no one can kill: past the time limit the client
got 504 while the search ran on to its end.
"""
from __future__ import annotations

import threading

import httpx
import pytest

from evkg.web.app import running_server

TERMS = 200_000          # an added ontology of that many terms: one search over them takes seconds


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from evkg.terms.index import LocalOntology, Term, save_local_ontology

    folder = tmp_path_factory.mktemp("terms")
    root = "http://purl.obolibrary.org/obo/MONDO_0000001"
    terms = {f"http://purl.obolibrary.org/obo/MONDO_{i:07d}": Term(
        iri=f"http://purl.obolibrary.org/obo/MONDO_{i:07d}", label=f"vesicle disorder number {i}",
        synonyms=(f"ev disease {i}",), parents=(root,) if i > 1 else ()) for i in range(1, TERMS + 1)}
    save_local_ontology(LocalOntology(name="mondo", path="mondo.obo", prefixes=("MONDO",), terms=terms), folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVKG_TERMS_DIR", str(folder))
        with running_server("--timeout", "0.2", "--workers", "1") as url:
            yield url


def light_work(url: str) -> dict:
    return httpx.get(f"{url}/health", timeout=60).json()["light_work"]


def test_a_term_search_past_the_time_limit_is_stopped_before_its_504(server):
    """The 504 said 'was stopped' while the search thread ran on for seconds."""
    before = light_work(server)["stopped_for_overrunning"]
    for _ in range(3):
        response = httpx.get(f"{server}/api/terms", params={"q": "vesicle"}, timeout=60)
        assert response.status_code == 504, response.text[:300]
        body = response.json()
        assert body["error"] == "timeout" and "term search did not finish within 0.2 s" in body["message"]
        assert "more precise words" in body["message"]
        work = light_work(server)
        assert work["running"] == 0, work           # nothing runs on after the answer
    assert work["stopped_for_overrunning"] == before + 3


def test_searches_cut_at_the_limit_leave_the_threads_free_for_the_next_request(server):
    """Searches that overran filled the server's threads: a search that takes milliseconds waited behind them
    and got 504 too."""
    answers = []

    def search(address):
        with httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60) as client:
            answers.append(client.get(f"{server}/api/terms", params={"q": "disorder"}).status_code)

    # more searches than the server has threads, each from its own address (within its connection cap)
    crowd = [threading.Thread(target=search, args=(f"127.0.1.{i}",)) for i in range(1, 13)]
    for thread in crowd:
        thread.start()
    for thread in crowd:
        thread.join()
    assert answers == [504] * 12
    assert light_work(server)["running"] == 0
    quick = httpx.get(f"{server}/api/terms", params={"q": "small", "for": "particleKind"}, timeout=60)
    assert quick.status_code == 200 and quick.json()["terms"][0]["curie"] == "evkg:SmallEV", quick.text[:300]
