"""Load check of `evkg serve` under attack: four clients send example E1 checks while one client sends hostile
bodies and hostile queries; the good clients' latency and errors are compared with an undisturbed run.

Usage:  python benchmarks/serve_hostile_load.py [--seconds 20] [--good 4] [--timeout 10]

The hostile client cycles through: billion-laughs and external-entity RDF/XML, JSON-LD and Turtle nested
thousands deep, invalid IRIs, NUL bytes, an over-size body, broken multipart, a cartesian-product query that
never finishes (stopped at --timeout), an endless SELECT (stopped at the answer byte cap) and an update.
Goal: the good clients' p95 within 2x the undisturbed figure, and no errors. The last line is machine-readable:
    serve_hostile_load undisturbed_p95_ms=A attacked_p95_ms=B ratio=R good_errors=E hostile_5xx=F
"""
from __future__ import annotations

import argparse
import itertools
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent
E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
MAX_BYTES = 1_000_000

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "' + "a" * 40 + '">\n'
          + "".join(f' <!ENTITY {n} "{("&" + p + ";") * 10}">\n' for p, n in zip("abcdefgh", "bcdefghi"))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
          'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="http://e.org/x">'
          '<rdfs:label>&i;</rdfs:label></rdf:Description></rdf:RDF>')
EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            'rdf:about="http://e.org/x"><rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>')

HOSTILE = [
    ("POST", "/check", {"Content-Type": "application/rdf+xml"}, LAUGHS),
    ("POST", "/check", {"Content-Type": "application/rdf+xml"}, EXTERNAL),
    ("POST", "/check", {"Content-Type": "application/ld+json"},
     '{"@id": "http://e.org/a", "http://e.org/p": ' + "[" * 5000 + "]" * 5000 + "}"),
    ("POST", "/check", {"Content-Type": "text/turtle"},
     "<http://e.org/a> <http://e.org/p> " + "(" * 100_000 + ")" * 100_000 + " ."),
    ("POST", "/check", {"Content-Type": "text/turtle"}, "<http://e.org/a b> a <https://w3id.org/evkg#EVProduct> ."),
    ("POST", "/check", {"Content-Type": "application/n-triples"}, '<http://e.org/a> <http://e.org/p> "a\\u0000b" .'),
    ("POST", "/check", {"Content-Type": "text/turtle"}, "#" * (MAX_BYTES + 10)),
    ("POST", "/check", {"Content-Type": "multipart/form-data; boundary=x"}, "--x\r\nContent-Disposition: form"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"},
     "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
     "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, "DROP ALL"),
]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_phase(url: str, seconds: float, good: int, attack: bool) -> dict:
    body = E1.read_bytes()
    latencies: list[float] = []
    errors: list[str] = []
    hostile_status: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def good_client():
        with httpx.Client(base_url=url, timeout=300) as client:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    response = client.post("/check", content=body, headers={"Content-Type": "text/turtle",
                                                                              "Accept": "application/json"})
                    ok = response.status_code == 200 and response.json()["summary"]["products"] >= 1
                    problem = None if ok else f"HTTP {response.status_code}: {response.text[:200]}"
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if problem:
                        errors.append(problem)

    def hostile_client():
        with httpx.Client(base_url=url, timeout=300) as client:
            for method, path, headers, content in itertools.cycle(HOSTILE):
                if time.monotonic() >= stop_at:
                    return
                try:
                    response = client.request(method, path, headers=headers, content=content.encode("utf-8"))
                    status = response.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                with lock:
                    hostile_status[status] += 1

    threads = [threading.Thread(target=good_client) for _ in range(good)]
    if attack:
        threads.append(threading.Thread(target=hostile_client))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies_ms": [s * 1000 for s in latencies], "errors": errors, "hostile": hostile_status}


def describe(name: str, result: dict) -> float:
    values = result["latencies_ms"]
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    print(f"{name:11} {len(values)} good checks, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"max {max(values, default=0):.0f} ms, errors {len(result['errors'])}"
          + (f" (first: {result['errors'][0]})" if result["errors"] else ""))
    if result["hostile"]:
        print(f"{'':11} hostile answers by status: "
              + ", ".join(f"{k}: {v}" for k, v in sorted(result["hostile"].items(), key=lambda kv: str(kv[0]))))
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20)")
    parser.add_argument("--good", type=int, default=4, help="clients sending E1 checks (default 4)")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout (default 10)")
    args = parser.parse_args()
    print(f"serve_hostile_load: evkg serve --timeout {args.timeout:g} --max-bytes {MAX_BYTES}; {args.good} good "
          f"clients, {args.seconds:g} s undisturbed, then {args.seconds:g} s with one hostile client", flush=True)
    with running_server("--timeout", str(args.timeout), "--max-bytes", str(MAX_BYTES)) as url:
        with httpx.Client(base_url=url, timeout=120) as client:   # warm-up, not counted
            client.post("/check", content=E1.read_bytes(), headers={"Content-Type": "text/turtle"})
        calm = run_phase(url, args.seconds, args.good, attack=False)
        attacked = run_phase(url, args.seconds, args.good, attack=True)
        with httpx.Client(base_url=url, timeout=30) as client:
            workers = client.get("/health").json()["workers"]
    calm_p95 = describe("undisturbed", calm)
    attacked_p95 = describe("attacked", attacked)
    ratio = attacked_p95 / calm_p95 if calm_p95 else 0.0
    print(f"workers killed for overrunning: checks {workers['checks']['killed_for_overrunning']}, "
          f"queries {workers['queries']['killed_for_overrunning']}")
    hostile_5xx = sum(v for k, v in attacked["hostile"].items()
                      if isinstance(k, int) and k >= 500 and k not in (503, 504))
    print(f"serve_hostile_load undisturbed_p95_ms={calm_p95:.0f} attacked_p95_ms={attacked_p95:.0f} "
          f"ratio={ratio:.2f} good_errors={len(attacked['errors']) + len(calm['errors'])} hostile_5xx={hostile_5xx}")


if __name__ == "__main__":
    main()
