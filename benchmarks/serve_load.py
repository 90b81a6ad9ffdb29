"""Load check of `evkg serve`: concurrent POST /check against a real server on 127.0.0.1.

Usage:  python benchmarks/serve_load.py [--seconds 20] [--workers 4] [--max-requests 2000] [--file F.ttl]

Prints throughput, latency percentiles and errors; the last line is machine-readable:
    serve_load requests=N rps=X p95_ms=Y errors=Z
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
from pathlib import Path

import httpx

from evkg.web.app import running_server

ROOT = Path(__file__).resolve().parent.parent


def default_description() -> Path:
    examples = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
    if examples:
        return examples[0]
    raise SystemExit("no description to send: pass --file or add examples/valid/*.ttl")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load(url: str, body: bytes, seconds: float, workers: int, max_requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = 0
    stop_at = time.monotonic() + seconds

    def worker():
        nonlocal sent
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < stop_at:
                with lock:
                    if sent >= max_requests:
                        return
                    sent += 1
                started = time.perf_counter()
                try:
                    response = client.post("/check", content=body, headers={"Content-Type": "text/turtle"})
                    ok = response.status_code == 200 and response.json()["summary"]["products"] >= 1
                    problem = None if ok else f"HTTP {response.status_code}"
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"requests": len(latencies), "seconds": wall, "latencies": latencies, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send requests (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--max-requests", type=int, default=2000, help="stop after this many (default 2000)")
    parser.add_argument("--file", type=Path, default=None, help="the description to send (Turtle)")
    args = parser.parse_args()
    path = args.file or default_description()
    body = path.read_bytes()
    print(f"serve_load: starting evkg serve; sending {path.name} ({len(body):,} bytes) from {args.workers} "
          f"workers for up to {args.seconds:g} s or {args.max_requests} requests", flush=True)
    with running_server() as url:
        with httpx.Client(base_url=url, timeout=120) as client:  # one warm-up request, not counted
            client.post("/check", content=body, headers={"Content-Type": "text/turtle"}).raise_for_status()
        result = load(url, body, args.seconds, args.workers, args.max_requests)
    latencies_ms = [s * 1000 for s in result["latencies"]]
    rps = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    p50, p95 = percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.95)
    print(f"requests:   {result['requests']} in {result['seconds']:.1f} s ({rps:.1f} requests/s)")
    if latencies_ms:
        print(f"latency:    p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(latencies_ms):.0f} ms, "
              f"mean {statistics.mean(latencies_ms):.0f} ms")
    print(f"errors:     {len(result['errors'])}" + (f" (first: {result['errors'][0]})" if result["errors"] else ""))
    print(f"serve_load requests={result['requests']} rps={rps:.2f} p95_ms={p95:.0f} errors={len(result['errors'])}")


if __name__ == "__main__":
    main()
