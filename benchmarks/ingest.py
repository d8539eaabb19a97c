"""Validated import versus Oxigraph's own bulk loader, on the same synthetic data.

For each size (entities, ~3 offers each) the script:

1. generates the synthetic documents once and writes them as N-Triples (for ``pes-registry load``)
   and as N-Quads with one named graph per document (for ``oxigraph load``);
2. times ``oxigraph load`` (the Oxigraph CLI of the PyPI package ``oxigraph``) into a new store;
3. times ``pes-registry load`` (parse, split, SHACL-validate, commit with provenance) into a new
   store that holds only the ontology and concept schemes;
4. checks that both stores hold the same document triples;
5. measures the cost of one more validated entity write (ingest of a single document, median of
   several) in the loaded store, to compare stores of different sizes.

Usage: ``python benchmarks/ingest.py [--sizes 1000,10000,100000] [--writes 25]``; results are
printed as a Markdown table to paste into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

BASE = "http://127.0.0.1:8000"
HERE = Path(__file__).resolve().parent


def generate(sizes: list[int], work: Path) -> dict[int, tuple[Path, Path, int]]:
    from registry.synthetic import synthetic_documents

    files = {}
    for n in sizes:
        nt, nq = work / f"synthetic-{n}.nt", work / f"synthetic-{n}.nq"
        triples = 0
        with nt.open("wb") as f_nt, nq.open("wb") as f_nq:
            for doc in synthetic_documents(BASE, entities=n, offers_per_entity=3, seed=42):
                iri = doc[0].subject.value if doc else None
                kind, key = iri[len(BASE) + 4:].split("#")[0].split("/", 1)
                g = ox.NamedNode(f"{BASE}/{kind}/{key}")
                ox.serialize(doc, f_nt, ox.RdfFormat.N_TRIPLES)
                ox.serialize((ox.Quad(t.subject, t.predicate, t.object, g) for t in doc), f_nq,
                             ox.RdfFormat.N_QUADS)
                triples += len(doc)
        files[n] = (nt, nq, triples)
    return files


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int, float]:
    """Wall time, peak RSS (KiB) and CPU time (user + system) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{proc.stderr.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def single_write_cost(data_dir: Path, writes: int) -> float:
    """Median seconds to validate and commit one new entity document in this store."""
    from registry.ingest import Source, ingest
    from registry.store import Store
    from registry.synthetic import synthetic_documents

    store = Store(data_dir, BASE)
    docs = [d for d in synthetic_documents(BASE, entities=writes + 5, offers_per_entity=3, seed=7)]
    entities = [d for d in docs if "/id/entity/" in d[0].subject.value
                and not any(t.predicate.value == "http://www.w3.org/ns/org#unitOf" for t in d)][-writes:]
    samples = []
    for i, doc in enumerate(entities):
        # A fresh key so each write creates a document.
        text = ox.serialize(doc, format=ox.RdfFormat.N_TRIPLES).decode().replace(
            "/id/entity/", "/id/entity/bench-w").replace("/id/offer/", "/id/offer/bench-w")
        t = time.perf_counter()
        ingest(store, [Source(name=f"w{i}.nt", data=text.encode())])
        samples.append(time.perf_counter() - t)
    store.close()
    return statistics.median(samples[3:] or samples)


def document_triples(store_dir: Path, ours: bool) -> int:
    """Triples in document graphs (the ontology, vocabularies and provenance excluded)."""
    store = ox.Store.read_only(str(store_dir))
    q = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{BASE}/\")"
         f" && !STRSTARTS(STR(?g), \"{BASE}/graph/\")) FILTER(?p != <http://purl.org/dc/terms/modified>) }}")
    return int(next(iter(store.query(q)))["n"].value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--writes", type=int, default=25)
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    registry_cli = str(Path(sys.executable).parent / "pes-registry")
    work = Path(args.work or tempfile.mkdtemp(prefix="pes-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env["REGISTRY_BASE"] = BASE
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else ''}")
    t0 = time.perf_counter()
    files = generate(sizes, work)
    print(f"generated in {time.perf_counter() - t0:.1f} s")
    rows = []
    for n in sizes:
        nt, nq, triples = files[n]
        ox_dir, our_dir = work / f"ox-{n}", work / f"ours-{n}"
        shutil.rmtree(ox_dir, ignore_errors=True)
        shutil.rmtree(our_dir, ignore_errors=True)
        t_ox, rss_ox, cpu_ox = timed([oxigraph, "load", "--location", str(ox_dir), "--file", str(nq)])
        subprocess.run([registry_cli, "--data", str(our_dir), "init"], env=env, check=True,
                       capture_output=True)
        t_ours, rss_ours, cpu_ours = timed([registry_cli, "--data", str(our_dir), "load", "--quiet", str(nt)],
                                           env=env)
        same = document_triples(ox_dir, False) == document_triples(our_dir / "oxigraph", True)
        write = single_write_cost(our_dir, args.writes)
        rows.append((n, triples, t_ox, t_ours, rss_ours, write, same))
        print(f"{n:>7} entities  {triples:>9} triples  oxigraph {triples / t_ox:>9.0f} t/s  "
              f"ours {triples / t_ours:>8.0f} t/s  ratio {t_ox / t_ours:.2f}  "
              f"CPU s oxigraph {cpu_ox:.1f} ours {cpu_ours:.1f}  peak RSS MiB oxigraph {rss_ox / 1024:.0f}  "
              f"one write {write * 1000:.1f} ms  same data: {same}", flush=True)
    print()
    print("| entities | triples | oxigraph load (s) | oxigraph t/s | validated import (s) | ours t/s | ratio | peak RSS ours (MiB) | one entity write (ms) | same triples |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for n, triples, t_ox, t_ours, rss, write, same in rows:
        print(f"| {n} | {triples} | {t_ox:.1f} | {triples / t_ox:.0f} | {t_ours:.1f} | {triples / t_ours:.0f} | "
              f"{t_ox / t_ours:.2f} | {rss / 1024:.0f} | {write * 1000:.1f} | {same} |")
    if len(rows) > 1:
        print(f"\none-write cost, largest vs smallest store: {rows[-1][5] / rows[0][5]:.2f}x")


if __name__ == "__main__":
    main()
