"""Our SPARQL endpoint against Oxigraph's own server, on the same data and the same query mix.

1. Builds a store of synthetic data (``registry.synthetic``: 10 000 entities with ~3 offers each,
   plus opportunities and cooperation actions) through the validated import.
2. Copies it (``Store.backup``) for ``oxigraph serve-read-only --union-default-graph`` (Oxigraph
   server of the PyPI package ``oxigraph``; started without ``--timeout-s``, see DESIGN.md), and
   serves the original with ``pes-registry serve`` (waitress, killable query workers).
3. Checks that both servers give the same answer to every query of the mix.
4. For 1 and 8 concurrent clients (keep-alive HTTP connections, one thread each), runs the mix for
   a fixed time on each server in turn and reports throughput, p50 and p99 latency and ratios.

The mix: the named queries (their text with parameter values bound by a VALUES clause, the same
text sent to both servers), point lookups of single entities, and one CONSTRUCT (an entity's
document). Every request is a POST of ``application/sparql-query`` to the endpoint.

Usage: ``python benchmarks/sparql_endpoint.py [--entities 10000] [--seconds 20]``; prints a
Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

BASE = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(work: Path, entities: int) -> tuple[Path, list[str]]:
    from registry.ingest import Source, ingest
    from registry.store import Store
    from registry.synthetic import synthetic_documents
    from registry.system import install

    data = work / "ours"
    store = Store(data, BASE)
    install(store)
    docs = synthetic_documents(BASE, entities=entities, offers_per_entity=3, seed=42,
                               opportunities=max(10, entities // 50), actions=max(10, entities // 20))
    nt = ox.serialize([t for doc in docs for t in doc], format=ox.RdfFormat.N_TRIPLES)
    started = time.perf_counter()
    ingest(store, [Source(name="synthetic.nt", data=nt)], max_bytes=len(nt) + 1)
    print(f"loaded {len(store)} triples in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    iris = [r["e"].value for r in store.query(
        "SELECT ?e WHERE { ?e a <https://w3id.org/pes-registry/ontology#SocialEconomyEntity> } ORDER BY ?e")]
    store.raw.backup(str(work / "oxigraph"))
    store.close()
    return data, iris


def query_mix(entity_iris: list[str], rng: random.Random) -> list[tuple[str, str, str]]:
    """(label, query text, Accept) for every request of the mix."""
    from registry.queries import all_queries
    from registry.web.sparql import with_values

    mix = []
    for q in all_queries().values():
        if q.form in ("construct", "describe"):
            continue
        examples = {p.name: p.example for p in q.parameters if p.example and p.type != "resource"}
        if any(p.required and p.name not in examples for p in q.parameters):
            continue  # examples name demo resources that the synthetic data does not have
        # The API binds values as initial bindings; the same text must go to both servers, so
        # required values are a VALUES block (where that means the same), and optional ones stay
        # free, which every named query reads as "any".
        required = {p.name: examples[p.name] for p in q.parameters if p.required}
        text = (with_values(q, required, BASE) if required else None) or q.text
        if any(p.required for p in q.parameters) and "VALUES (" not in text:
            continue
        mix.append((f"named:{q.name}", text, "application/sparql-results+json"))
    for iri in rng.sample(entity_iris, 8):
        mix.append(("lookup", f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", "application/sparql-results+json"))
    iri = rng.choice(entity_iris)
    mix.append(("construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri.replace('/id/', '/')}> {{ ?s ?p ?o }} }}",
                "application/n-triples"))
    return mix


def post(conn: http.client.HTTPConnection, path: str, query: str, accept: str) -> tuple[int, bytes]:
    body = query.encode("utf-8")
    conn.request("POST", path, body=body, headers={"Content-Type": "application/sparql-query", "Accept": accept})
    response = conn.getresponse()
    return response.status, response.read()


def normalise(body: bytes, accept: str):
    if accept == "application/n-triples":
        return sorted(str(t) for t in ox.parse(body, ox.RdfFormat.N_TRIPLES) if not isinstance(t.subject, ox.BlankNode))
    data = json.loads(body)
    if "boolean" in data:
        return data["boolean"]
    return sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


def wait_ready(port: int, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = post(conn, path, "ASK {}", "application/sparql-results+json")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def run_load(port: int, path: str, mix, clients: int, seconds: float, seed: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed + index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        while time.monotonic() < stop_at:
            _, text, accept = rng.choice(mix)
            started = time.perf_counter()
            try:
                status, _ = post(conn, path, text, accept)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "throughput": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--workers", type=int, default=None, help="query workers of our server")
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    oxigraph = shutil.which("oxigraph") or str(bin_dir / "oxigraph")
    registry_cli = str(bin_dir / "pes-registry")
    work = Path(tempfile.mkdtemp(prefix="bench-sparql-"))
    servers = []
    try:
        data, iris = build_store(work, args.entities)
        mix = query_mix(iris, random.Random(7))
        ours_port, oxi_port = free_port(), free_port()
        env = dict(os.environ, REGISTRY_DATA=str(data), REGISTRY_BASE=BASE)
        cmd = [registry_cli, "serve", "--port", str(ours_port)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        servers.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers.append(subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{oxi_port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        sides = {"ours": (ours_port, "/sparql"), "oxigraph": (oxi_port, "/query")}
        for port, path in sides.values():
            wait_ready(port, path)

        # Same answers from both before any timing.
        conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=120) for name, (port, _) in sides.items()}
        for label, text, accept in mix:
            answers = {}
            for name, (_port, path) in sides.items():
                status, body = post(conns[name], path, text, accept)
                if status != 200:
                    raise RuntimeError(f"{name} answered {status} to {label}: {body[:300]!r}")
                answers[name] = normalise(body, accept)
            if answers["ours"] != answers["oxigraph"]:
                raise RuntimeError(f"different answers to {label}")
        for c in conns.values():
            c.close()
        print(f"same answers to all {len(mix)} queries of the mix", file=sys.stderr)

        # Warm both up, then measure.
        for port, path in sides.values():
            run_load(port, path, mix, 2, 3, seed=1)
        rows = []
        for clients in [int(c) for c in args.clients.split(",")]:
            result = {name: run_load(port, path, mix, clients, args.seconds, seed=clients)
                      for name, (port, path) in sides.items()}
            rows.append((clients, result))
            print(f"{clients} clients: {result}", file=sys.stderr)

        print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"pyoxigraph {ox.__version__}; {args.entities} entities, {len(mix)} queries in the mix, "
              f"{args.seconds:g} s per run; date {time.strftime('%Y-%m-%d')}.\n")
        print("| clients | server | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for clients, result in rows:
            for name in ("ours", "oxigraph"):
                r = result[name]
                print(f"| {clients} | {name} | {r['requests']} | {r['errors']} | {r['throughput']:.1f} | "
                      f"{r['p50']:.1f} | {r['p99']:.1f} |")
        print("\n| clients | throughput ours/oxigraph | p50 ours/oxigraph | p99 ours/oxigraph |")
        print("| ---: | ---: | ---: | ---: |")
        for clients, result in rows:
            o, x = result["ours"], result["oxigraph"]
            print(f"| {clients} | {o['throughput'] / x['throughput']:.2f} | {o['p50'] / x['p50']:.2f} | "
                  f"{o['p99'] / x['p99']:.2f} |")
    finally:
        for s in servers:
            s.terminate()
            try:
                s.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
