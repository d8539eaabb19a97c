"""Time every named query on a store of synthetic data.

1. Builds a store through the validated import (``registry.ingest.ingest``): the synthetic data
   (``registry.synthetic``: N entities with ~3 offers each, N/50 opportunities, N/20 cooperation
   actions, seed 42), plus the programmes of the demo data set (the synthetic data has none, and
   ``programme_indicators`` needs one), then the DCAT catalogue, as ``pes-registry demo`` does.
   With ``--store PATH`` it opens an existing store instead (read only: nothing is written).
2. Runs each named query in this process (``NamedQuery.run``, every solution read) several times
   and reports the median time and the number of rows:

   * "examples": with the example value of each parameter; a resource parameter whose example
     is not in the store gets the first key of its kind in the store;
   * "unbound": with the optional parameters left out (their defaults apply, e.g. ``date`` is
     today), the required ones as for "examples"; "-" when a query has no optional parameter.

   ``entity_by_identifier`` also runs with a NIP of the store (written with hyphens), as the
   example NIP is a demo one.

Usage: ``python benchmarks/named_queries.py [--entities 10000] [--runs 5] [--store PATH]``;
prints a Markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

BASE = "http://127.0.0.1:8000"
PES = "https://w3id.org/pes-registry/ontology#"
CLASSES = {
    "entity": f"{PES}SocialEconomyEntity",
    "offer": "https://schema.org/Offer",
    "opportunity": f"{PES}CooperationOpportunity",
    "action": f"{PES}CooperationAction",
    "programme": f"{PES}CooperationProgramme",
    "unit": f"{PES}CityUnit",
}


def build(path: Path, entities: int) -> None:
    """A new store at ``path`` with the synthetic data, the demo programmes and the catalogue."""
    from registry.catalog import catalog_write
    from registry.config import Settings
    from registry.demo import demo_documents
    from registry.ingest import Source, ingest
    from registry.store import Store
    from registry.synthetic import synthetic_documents
    from registry.system import install

    documents = list(synthetic_documents(BASE, entities=entities, offers_per_entity=3, seed=42,
                                         opportunities=entities // 50, actions=entities // 20))
    programme = ox.NamedNode(CLASSES["programme"])
    documents += [doc for doc in demo_documents(BASE) if doc[0].object == programme]
    data = ox.serialize([t for doc in documents for t in doc], format=ox.RdfFormat.N_TRIPLES)
    store = Store(path, BASE)
    try:
        install(store)
        started = time.perf_counter()
        ingest(store, [Source(name="synthetic.nt", data=data)], max_bytes=len(data) + 1)
        store.commit(catalog_write(store, Settings.from_env({}, base=BASE, data_dir=path)))
        print(f"loaded {len(store)} triples in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    finally:
        store.close()
        gc.collect()


def first_key(store, kind: str) -> str | None:
    """The first key (in IRI order) of the instances of a kind, or None."""
    prefix = f"{store.base}/id/{kind}/"
    rows = store.query(f"SELECT ?x WHERE {{ ?x a <{CLASSES[kind]}> "
                       f'FILTER(STRSTARTS(STR(?x), "{prefix}")) }} ORDER BY ?x LIMIT 1')
    for row in rows:
        return row["x"].value[len(prefix):]
    return None


def exists(store, kind: str, key: str) -> bool:
    return bool(store.query(f"ASK {{ <{store.base}/id/{kind}/{key}> a <{CLASSES[kind]}> }}"))


def a_nip(store) -> str | None:
    """A NIP of the store, written with hyphens (as a user might type it)."""
    rows = store.query(
        "SELECT ?n WHERE { ?i <http://purl.org/dc/terms/type> "
        "<https://w3id.org/pes-registry/vocab/identifier-type/nip> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?n } ORDER BY ?n LIMIT 1")
    for row in rows:
        n = row["n"].value
        return f"{n[:3]}-{n[3:6]}-{n[6:8]}-{n[8:]}"
    return None


def timed(query, store, raw: dict, runs: int) -> tuple[float, int]:
    """Median time in ms of ``runs`` runs (every solution read) and the number of rows."""
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = query.run(store, raw)
        rows = 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def cases(query, store) -> tuple[dict, dict | None]:
    """The raw values of the "examples" run and of the "unbound" run (None: no such run)."""
    examples = {}
    for p in query.parameters:
        if p.type == "resource":
            key = p.example if p.example and exists(store, p.kind, p.example) else None
            key = key or first_key(store, p.kind) or "none"
            examples[p.name] = key
        elif p.example is not None:
            examples[p.name] = p.example
    if not any(not p.required for p in query.parameters):
        return examples, None
    return examples, {p.name: examples[p.name] for p in query.parameters if p.required}


def shown(raw: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in raw.items()) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, help="an existing store to measure (not written)")
    args = parser.parse_args()

    from registry.queries import all_queries
    from registry.store import Store

    work = None
    path = args.store
    if path is None:
        work = Path(tempfile.mkdtemp(prefix="bench-named-queries-"))
        path = work / "store"
        build(path, args.entities)
    store = Store(path, BASE)
    try:
        triples, entities = len(store), sum(1 for _ in store.query(
            f"SELECT ?e WHERE {{ ?e a <{CLASSES['entity']}> }}"))
        lines = [
            "| query | parameters (examples) | examples (ms) | rows | unbound (ms) | rows |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        runs = []
        for name, query in sorted(all_queries().items()):
            examples, unbound = cases(query, store)
            runs.append((name, query, examples, unbound))
            if name == "entity_by_identifier" and (nip := a_nip(store)):
                runs.append((f"{name} (a NIP of the store)", query, {"identifier": nip}, None))
        for name, query, examples, unbound in runs:
            ms, rows = timed(query, store, examples, args.runs)
            cells = [f"`{name}`", shown(examples), f"{ms:.1f}", str(rows)]
            if unbound is None:
                cells += ["-", "-"]
            else:
                ms, rows = timed(query, store, unbound, args.runs)
                cells += [f"{ms:.1f}", str(rows)]
            lines.append("| " + " | ".join(cells) + " |")
            print(lines[-1], file=sys.stderr)
    finally:
        store.close()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)

    print(f"Store: {entities} entities, {triples} triples. Median of {args.runs} runs, in this "
          "process, every solution read.")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__}. Date: {dt.date.today().isoformat()}.")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
