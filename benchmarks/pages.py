"""Render time of pages through the production server, with 1k and 100k entities in the store.

1. Builds (or reuses, with ``--work DIR``) a store of synthetic data per size, as
   ``benchmarks/named_queries.py`` does: N entities with ~3 offers each, N/50 opportunities,
   N/20 actions, the demo programmes and the catalogue, through the validated import.
2. Reads the store's files once (so the operating system's file cache holds them, as it does
   for a running server), then starts ``pes-registry serve`` on it (waitress, the production server) and waits until it
   answers; the search index is brought up to date before the server listens, and the time that
   takes is reported.
3. With every size's server running, from one client over one keep-alive connection per server,
   after a warm-up, requests alternate between the sizes (so a busy machine slows all alike):
   * an entity page ``/entity/syn-{n}`` (random n),
   * a filtered list ``/entities?legalForm={form}&page={1..3}`` (one of the three commonest
     forms, so every size shows full pages of 20),
   * a search ``/offers?q={word}`` (full text with every facet counted; a word of a fixed set
     that fills the first page at every size),
   * the search across kinds ``/search?q={word}`` (four lists of five; the smaller store fills
     fewer of their rows, so its pages are smaller),
   and reports p50 and p99 of the wall time per request (the whole answer read).

Usage: ``python benchmarks/pages.py [--sizes 1000 100000] [--requests 300] [--work DIR]``;
prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from named_queries import BASE, build  # noqa: E402

# The three commonest legal forms of the synthetic data: every size fills three pages of 20 with
# each, so the pages compared have the same shape (a list with fewer rows is cheaper to render).
FORMS = ["stowarzyszenie", "fundacja", "spoldzielnia-socjalna"]
# Words that find at least 20 offers at every size (full pages), inflected and unaccented too.
WORDS = ["catering", "cateringu", "sprzątanie", "sprzatania", "szkolenia", "druk", "zieleni",
         "posiłków", "ogrodów", "warsztaty"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("the server did not start")


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return elapsed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def start_server(work: Path, entities: int) -> tuple[subprocess.Popen, int]:
    path = work / f"pages-{entities}"
    if not (path / "oxigraph").exists():
        build(path, entities)
    # The operating system's file cache holds a running server's store: read it once, so that
    # every size is measured warm (the 100k store is about 3 GB; the machine has room for it).
    for file in sorted((path / "oxigraph").iterdir()):
        with file.open("rb") as f:
            while f.read(1 << 22):
                pass
    port = free_port()
    env = dict(os.environ, REGISTRY_DATA=str(path), REGISTRY_BASE=BASE, REGISTRY_SPARQL_WORKERS="1")
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port), "--threads", "4"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    print(f"{entities}: server ready (search index current) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return server, port


def page_kinds(entities: int, rng: random.Random) -> dict:
    return {
        "entity page": lambda: f"/entity/syn-{rng.randrange(1, entities + 1)}",
        "filtered list": lambda: f"/entities?legalForm={rng.choice(FORMS)}&page={rng.randrange(1, 4)}",
        "search": lambda: f"/offers?q={quote(rng.choice(WORDS))}",
        "search across kinds": lambda: f"/search?q={quote(rng.choice(WORDS))}",
    }


def run(work: Path, sizes: list[int], requests: int, seed: int) -> dict[int, dict[str, tuple[float, float]]]:
    """Every size's server runs at once; requests alternate between them, so that whatever else
    the machine does slows every size alike."""
    servers = {}
    try:
        for n in sizes:
            servers[n] = start_server(work, n)
        conns = {n: http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                 for n, (_, port) in servers.items()}
        rngs = {n: random.Random(seed) for n in sizes}
        kinds = {n: page_kinds(n, rngs[n]) for n in sizes}
        out: dict[int, dict[str, tuple[float, float]]] = {n: {} for n in sizes}
        for name in kinds[sizes[0]]:
            times: dict[int, list[float]] = {n: [] for n in sizes}
            for i in range(50 + requests):  # the first 50 warm up
                for n in sizes:
                    t = timed(conns[n], kinds[n][name]())
                    if i >= 50:
                        times[n].append(t)
            for n in sizes:
                out[n][name] = (statistics.median(times[n]), pct(times[n], 99))
                print(f"{n} {name}: p50 {out[n][name][0]:.1f} ms, p99 {out[n][name][1]:.1f} ms",
                      file=sys.stderr)
        return out
    finally:
        for server, _ in servers.values():
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="keep the stores here (reused)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pes-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(work, args.sizes, args.requests, args.seed)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    sizes = args.sizes
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
          f"Date: {dt.date.today().isoformat()}. {args.requests} requests per page kind and size, "
          "alternating between the sizes, one client.\n")
    head = " | ".join(f"{n:,} p50 / p99 (ms)".replace(",", " ") for n in sizes)
    print(f"| page | {head} | ratio p50 {sizes[-1]:,}/{sizes[0]:,} |".replace(",", " "))
    print("| --- |" + " ---: |" * (len(sizes) + 1))
    for name in results[sizes[0]]:
        cells = " | ".join(f"{results[n][name][0]:.1f} / {results[n][name][1]:.1f}" for n in sizes)
        ratio = results[sizes[-1]][name][0] / results[sizes[0]][name][0]
        print(f"| {name} | {cells} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
