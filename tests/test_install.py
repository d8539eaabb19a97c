"""`pip install .` into a fresh virtualenv, then the CLI from another folder: demo, dump, serve."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(900)
def test_installed_copy_loads_the_demo_dumps_and_serves(tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "-q", str(REPO)], check=True, cwd=tmp_path,
                   timeout=800)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env["REGISTRY_DATA"] = str(elsewhere / "store")
    cli = str(bin_dir / "pes-registry")

    def run(*args):
        return subprocess.run([cli, *args], cwd=elsewhere, env=env, capture_output=True, text=True,
                              timeout=600)

    # The installed package does not read the source tree.
    where = subprocess.run([str(bin_dir / "python"), "-c", "import registry, registry.config as c;"
                            "print(registry.__file__); print(c.shapes_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert str(REPO) not in where.stdout
    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["entities"] >= 40 and stats["offers"] >= 120
    dumped = run("dump", "all.nq.gz")
    assert dumped.returncode == 0, dumped.stderr
    with gzip.open(elsewhere / "all.nq.gz", "rt", encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    assert lines == stats["triples"]
    assert run("template", "entities", "podmioty.xlsx").returncode == 0

    port = _free_port()
    server = subprocess.Popen([cli, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    html = answer.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert f'data-count="entities"><a href="/entities">{stats["entities"]}<' in html
        # The SPARQL endpoint's workers run from the installed copy too.
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
        request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?{query}", headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.read().decode().split() == ["n", str(stats["triples"])]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/queries/counts.csv", timeout=60) as answer:
            assert answer.read().decode().splitlines()[1].split(",")[0] == str(stats["entities"])
    finally:
        server.terminate()
        server.wait(timeout=30)
