"""Safety of the public endpoint: SERVICE never reaches hosts off the allowlist, time limits hold
while other clients are served, and no input makes it fail (fuzzing)."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from urllib.parse import urlencode

import pytest

from registry.querypool import Job, QueryFailed, QueryPool
from registry.store import Store
from registry.system import install

from .conftest import BASE
from .http_support import live_server, request


class Listener:
    """A local HTTP listener that records every connection and answers one empty SPARQL result."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            try:
                conn.settimeout(2)
                conn.recv(65536)
                body = json.dumps({"head": {"vars": ["x"]},
                                   "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}).encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("security") / "data", BASE)
    install(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def live(store):
    with live_server(store, BASE, sparql_timeout=3.0, sparql_workers=2) as server:
        yield server


def service_queries(url: str) -> list[str]:
    host, path = url.rsplit("/", 1)
    escaped = url.replace(":", "\\u003A", 1)
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{host}/> SELECT * WHERE {{ SERVICE remote:{path} {{ ?s ?p ?o }} }}",
        f"BASE <{host}/> SELECT * WHERE {{ SERVICE <{path}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS $e) SERVICE $e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE<{url}>{{?s ?p ?o}} }} }}",
        f"SELECT * WHERE {{ # a comment }}\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p \"text\" . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_service_off_the_allowlist_is_refused_and_never_contacted(live, listener):
    for query in service_queries(listener.url):
        for how in ("get", "form", "direct"):
            if how == "get":
                reply = request(live.url, "GET", "/sparql?" + urlencode({"query": query}))
            elif how == "form":
                reply = request(live.url, "POST", "/sparql", body=urlencode({"query": query}),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                reply = request(live.url, "POST", "/sparql", body=query,
                                headers={"Content-Type": "application/sparql-query"})
            assert reply.status == 403, (query, reply.status, reply.body)
            assert "SERVICE" in reply.text
    time.sleep(0.3)
    assert listener.connections == 0


def test_service_on_the_allowlist_runs(store, listener):
    other = Listener()
    try:
        with live_server(store, BASE, sparql_service_allowlist=listener.url) as live:
            query = f"SELECT ?x WHERE {{ SERVICE <{listener.url}> {{ ?x ?p ?o }} }}"
            reply = request(live.url, "GET", "/sparql?" + urlencode({"query": query}))
            assert reply.status == 200, reply.body
            assert json.loads(reply.body)["results"]["bindings"][0]["x"]["value"] == "remote"
            assert listener.connections == 1
            # A prefix declared twice: the target is the last declaration, as the query engine reads it.
            twice = (f"PREFIX r: <{other.url.rsplit('/', 1)[0]}/> PREFIX r: <{listener.url.rsplit('/', 1)[0]}/> "
                     f"SELECT ?x WHERE {{ SERVICE r:sparql {{ ?x ?p ?o }} }}")
            assert request(live.url, "GET", "/sparql?" + urlencode({"query": twice})).status == 200
            # Everything else is still refused.
            reply = request(live.url, "GET", "/sparql?" + urlencode(
                {"query": f"SELECT * WHERE {{ SERVICE <{other.url}> {{ ?s ?p ?o }} }}"}))
            assert reply.status == 403
    finally:
        other.close()
    assert other.connections == 0


def test_workers_cannot_reach_the_network_even_past_the_check(store, listener, tmp_path):
    """Defence in depth: a worker given a SERVICE query directly still cannot connect."""
    pool = QueryPool(1, isolate_network=True)
    try:
        snapshot = tmp_path / "snap"
        store.raw.backup(str(snapshot))
        try:
            answer = pool.run(str(snapshot), Job(query=f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
                                                 format="json"), timeout=10)
            answer.body()
        except QueryFailed:
            pass
        if not pool.isolated:
            pytest.skip("this machine does not allow unprivileged network namespaces")
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        pool.close()


PATHOLOGICAL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1",
    "SELECT ?c (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?c",
]


@pytest.mark.parametrize("query", PATHOLOGICAL)
def test_time_limit_holds_and_others_are_answered(live, query):
    result = {}

    def slow():
        started = time.monotonic()
        result["reply"] = request(live.url, "GET", "/sparql?" + urlencode({"query": query}))
        result["took"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    quick = request(live.url, "GET", "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
    quick_took = time.monotonic() - started
    thread.join(timeout=30)
    assert quick.status == 200
    assert quick_took < 1.0, quick_took
    assert result["reply"].status == 503
    assert "time limit" in result["reply"].text
    assert 2.5 < result["took"] < 8, result["took"]
    # The killed worker is replaced: the endpoint goes on answering.
    assert request(live.url, "GET", "/sparql?" + urlencode({"query": "ASK {}"})).status == 200


SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "PREFIX pes: <https://w3id.org/pes-registry/ontology#> SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3",
    "ASK { FILTER(REGEX(\"abc\", \"^a\")) }",
    "DESCRIBE <https://w3id.org/pes-registry/ontology#SocialEconomyEntity>",
    "SELECT ?x WHERE { VALUES ?x { 1 2.5 \"a\"@pl <http://x> } } ORDER BY DESC(?x)",
    "SELECT * FROM <http://x> FROM NAMED <http://y> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (STRLEN(?o) AS ?l) WHERE { ?s ?p ?o FILTER(ISLITERAL(?o)) } LIMIT 3",
]
NOISE = ["{", "}", "(", ")", "<", ">", "\"", "'", "\\", "#", "?", "$", ":", ".", ";", ",", "*", "SERVICE",
         "\u0000", "\u00ff", "ł", "\U0001f600", "\\u0022", "FROM", "GRAPH", "LIMIT -1", "1e999999", "BIND(", "^^",
         "@pl", "\n", "%", "&", "=", "'''", '"""', "OFFSET 99999999999999999999", "<<", ">>"]


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        pos = rng.randint(0, len(chars))
        if op < 0.4:
            chars[pos:pos] = list(rng.choice(NOISE))
        elif op < 0.7 and chars:
            del chars[pos:pos + rng.randint(1, 5)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = chr(rng.randint(1, 0x2FFF))
    return "".join(chars)


def test_fuzzing_never_gives_a_500(live):
    rng = random.Random(20261127)
    statuses = {}
    for i in range(400):
        kind = rng.random()
        headers = {}
        if kind < 0.7:
            query = _mutate(rng, rng.choice(SEEDS))
            how = rng.choice(["get", "form", "direct"])
            if how == "get":
                reply = request(live.url, "GET", "/sparql?" + urlencode({"query": query}))
            elif how == "form":
                reply = request(live.url, "POST", "/sparql", body=urlencode({"query": query}),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                reply = request(live.url, "POST", "/sparql", body=query.encode("utf-8", "surrogatepass"),
                                headers={"Content-Type": "application/sparql-query"})
        else:
            body = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 300)))
            headers["Content-Type"] = rng.choice([
                "application/sparql-query", "application/x-www-form-urlencoded", "text/plain",
                "application/sparql-query; charset=latin-1", "multipart/form-data; boundary=x", ""])
            headers["Accept"] = rng.choice(["*/*", "text/csv", "application/rdf+xml", "x/y;q=abc", ",,,", ""])
            path = rng.choice(["/sparql", "/sparql?query=", "/sparql?default-graph-uri=%ZZ", "/sparql?query=%FF%FE"])
            reply = request(live.url, rng.choice(["POST", "GET"]), path, headers=headers, body=body)
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        assert reply.status < 500 or reply.status == 503 and "time limit" in reply.text, (i, reply.status, reply.body)
    assert request(live.url, "GET", "/sparql?" + urlencode({"query": "ASK {}"})).status == 200
    assert statuses.get(200, 0) > 0 and statuses.get(400, 0) > 0
