"""Time `evkg check` on descriptions shaped to make the checker's own queries explode, at growing sizes.

Usage:  python benchmarks/hostile_shapes.py [--sizes 250 500 1000]

Shapes: n products chained by rdfs:seeAlso; n products all linked to one hub with 20 n labelled nodes behind
it (n = 1000 gives the 20,000 nodes of the hostile case). Each size runs the real command in a child
process; the time per product should stay flat as n grows (linear), not grow with n (quadratic). The last
lines are machine-readable:  hostile_shapes shape=S n=N seconds=T ms_per_product=M
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
          "@prefix ex: <http://example.org/> .\n")


def chained(n: int) -> str:
    return HEADER + "".join(f'ex:p{i} a evkg:EVProduct ; rdfs:label "Product {i}" ; rdfs:seeAlso ex:p{i + 1} .\n'
                            for i in range(n))


def hub(n: int) -> str:
    text = HEADER + "".join(f'ex:p{i} a evkg:EVProduct ; rdfs:label "Product {i}" ; rdfs:seeAlso ex:hub .\n'
                            for i in range(n))
    return text + "".join(f'ex:hub rdfs:seeAlso ex:n{j} . ex:n{j} rdfs:label "node {j}" .\n' for j in range(20 * n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, shape in (("chained", chained), ("hub", hub)):
            for n in args.sizes:
                path = Path(folder) / f"{name}-{n}.ttl"
                path.write_text(shape(n), encoding="utf-8")
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--format", "json",
                                       str(path)], capture_output=True, timeout=3600)
                seconds = time.perf_counter() - started
                if done.returncode not in (0, 1):
                    raise SystemExit(f"{path.name}: exit {done.returncode}: {done.stderr.decode()[-2000:]}")
                print(f"hostile_shapes shape={name} n={n} seconds={seconds:.1f} "
                      f"ms_per_product={1000 * seconds / n:.0f}", flush=True)


if __name__ == "__main__":
    main()
