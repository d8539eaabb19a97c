"""Two registries, each its own process on its own port with its own data: A harvests B through
B's catalogue, a re-harvest after B changes replaces exactly B's part, and one SPARQL query through
A's endpoint joins both (B's endpoint on A's SERVICE allowlist)."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "sparql_queries" / "federation" / "catering_offers_in_two_registries.rq"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(data: Path, base: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "registry.cli", "--data", str(data), "--base", base, *args],
                          capture_output=True, text=True, env=environment, timeout=600, cwd=ROOT)


@contextmanager
def serving(data: Path, base: str, port: int, env: dict | None = None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    environment.update(env or {}, REGISTRY_SPARQL_WORKERS="2")
    server = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "--data", str(data), "--base", base, "serve", "--port", str(port),
         "--threads", "4"], env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode() if server.stderr else "no server") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def sparql(endpoint: str, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)["results"]["bindings"]


def graphs_under(data: Path, base: str, prefix: str) -> dict[str, int]:
    """Named graphs of a stopped registry whose names start with ``prefix``, with their sizes."""
    done = cli(data, base, "query", "--format", "csv",
               f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }} GROUP BY ?g")
    assert done.returncode == 0, done.stderr
    rows = done.stdout.strip().splitlines()[1:]
    return {r.split(",")[0]: int(r.split(",")[1]) for r in rows}


@pytest.fixture(scope="module")
def registries(tmp_path_factory):
    work = tmp_path_factory.mktemp("federation")
    port_a, port_b = free_port(), free_port()
    a = (work / "a", f"http://127.0.0.1:{port_a}", port_a)
    b = (work / "b", f"http://127.0.0.1:{port_b}", port_b)
    for data, base, _ in (a, b):
        done = cli(data, base, "demo")
        assert done.returncode == 0, done.stderr
    return a, b


def test_harvest_reharvest_and_a_federated_query(registries):
    (data_a, base_a, port_a), (data_b, base_b, port_b) = registries
    local_before = graphs_under(data_a, base_a, base_a + "/entity/")
    with serving(data_b, base_b, port_b):
        done = cli(data_a, base_a, "harvest", f"{base_b}/catalog")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Harvested " + base_b in done.stdout
    harvested = graphs_under(data_a, base_a, base_b + "/entity/")
    assert len(harvested) == len(graphs_under(data_b, base_b, base_b + "/entity/"))
    assert graphs_under(data_a, base_a, base_a + "/entity/") == local_before

    # B changes: one entity withdrawn. A's re-harvest replaces exactly B's part.
    free = cli(data_b, base_b, "query", "--format", "csv", f"""
        SELECT ?g WHERE {{ GRAPH ?g {{ ?e a <https://w3id.org/pes-registry/ontology#SocialEconomyEntity> }}
          FILTER NOT EXISTS {{ GRAPH ?other {{ ?x ?p ?e }} FILTER(?other != ?g
            && STRSTARTS(STR(?other), "{base_b}/") && !STRSTARTS(STR(?other), "{base_b}/graph/")) }}
        }} ORDER BY ?g LIMIT 1""")
    assert free.returncode == 0, free.stderr
    victim = free.stdout.strip().splitlines()[1]  # an entity no other document links to
    assert victim in harvested
    done = cli(data_b, base_b, "withdraw", "entity/" + victim.rsplit("/", 1)[1])
    assert done.returncode == 0, done.stderr
    with serving(data_b, base_b, port_b):
        done = cli(data_a, base_a, "harvest", f"{base_b}/catalog")
        assert done.returncode == 0, done.stdout + done.stderr
    after = graphs_under(data_a, base_a, base_b + "/entity/")
    assert victim not in after and set(after) == set(harvested) - {victim}
    assert graphs_under(data_a, base_a, base_a + "/entity/") == local_before

    # One query through A's endpoint joins A's offers and B's (SERVICE, B on A's allowlist).
    query = EXAMPLE.read_text().replace("https://rejestr.bydgoszcz.example/sparql", f"{base_b}/sparql")
    with serving(data_b, base_b, port_b), \
            serving(data_a, base_a, port_a, env={"REGISTRY_SPARQL_SERVICE_ALLOWLIST": f"{base_b}/sparql"}):
        rows = sparql(f"{base_a}/sparql", query)
        registries_seen = {r["registry"]["value"] for r in rows}
        assert registries_seen == {base_a + "/sparql", base_b + "/sparql"}, rows[:3]
        through_b = {r["offer"]["value"] for r in rows if r["registry"]["value"] == base_b + "/sparql"}
        assert through_b and all(o.startswith(base_b) for o in through_b)
        assert any(r["offer"]["value"].startswith(base_a) for r in rows)
        # without B on the allowlist the same query is refused before it runs
    with serving(data_a, base_a, port_a):
        request = urllib.request.Request(f"{base_a}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403


def get_json(url: str) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                timeout=60) as answer:
        return json.load(answer)


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as answer:
        assert answer.status == 200
        return answer.read().decode("utf-8")


def test_harvested_documents_in_the_lists_and_pages(registries):
    """After A harvests B, A's lists hold B's entities under B's source (filterable), each with a
    local page that names B and links to B's own page; A's sitemap keeps to A's pages."""
    (data_a, base_a, port_a), (data_b, base_b, port_b) = registries
    with serving(data_b, base_b, port_b):
        done = cli(data_a, base_a, "harvest", f"{base_b}/catalog")
        assert done.returncode == 0, done.stdout + done.stderr
    source = "source=" + urllib.parse.quote(base_b, safe="")
    with serving(data_b, base_b, port_b), serving(data_a, base_a, port_a):
        theirs = get_json(f"{base_b}/entities.json")["total"]
        mine = get_json(f"{base_a}/entities.json?source=local")["total"]
        body = get_json(f"{base_a}/entities.json")
        counts = {v["value"]: (v["count"], v["label"]) for v in body["facets"]["source"]}
        # B's catalogue title, as the harvest recorded it (the same software's default title as
        # A's), with B's host
        assert counts[base_b] == (theirs, f"Rejestr podmiotów ekonomii społecznej w Toruniu (127.0.0.1:{port_b})")
        assert counts["local"][0] == mine and body["total"] == mine + theirs
        only = get_json(f"{base_a}/entities.json?{source}&per=100")
        assert only["total"] == theirs and all(i["iri"].startswith(base_b + "/id/entity/") for i in only["items"])
        item = only["items"][0]
        assert item["page"] == f"{base_a}/harvested/entity/{item['key']}?{source}"
        page = get_text(item["page"])
        assert "Źródło:" in page and f'<a href="{base_b}/entity/{item["key"]}">' in page
        assert str(escape(item["name"])) in get_text(item["source"]["original"])  # B's own page of it
        rows = list(csv.DictReader(io.StringIO(get_text(f"{base_a}/entities.csv?{source}"))))
        assert len(rows) == theirs and {r["source"] for r in rows} == {base_b}
        sitemap = get_text(f"{base_a}/sitemap.xml")
        assert base_b not in sitemap and "/harvested/" not in sitemap
