"""The pes-registry command: exit codes, messages without tracebacks, each command end to end."""

from __future__ import annotations

import json

import pytest

from registry.cli import main

from .conftest import DATA


@pytest.fixture
def run(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("REGISTRY_BASE", raising=False)
    data = tmp_path / "data"

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data", str(data), *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return _run


def test_init_load_stats_query(run):
    assert run("init")[0] == 0
    code, out, _ = run("load", str(DATA / "ingest" / "units.ttl"), str(DATA / "ingest" / "entity.ttl"))
    assert code == 0, out
    assert "3 created" in out
    code, out, _ = run("stats", "--json")
    counts = json.loads(out)
    assert counts["entities"] == 1 and counts["offers"] == 1 and counts["units"] == 2
    code, out, _ = run("query", "SELECT ?n WHERE { ?e a <https://w3id.org/pes-registry/ontology#SocialEconomyEntity> ;"
                       " <https://schema.org/name> ?n }", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "n" and "Przystań" in out
    code, out, _ = run("query", "CONSTRUCT WHERE { ?s a <https://w3id.org/pes-registry/ontology#CityUnit> }",
                       "--format", "nt")
    assert code == 0 and "CityUnit" in out


def test_invalid_data_exits_1_with_reasons(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text((DATA / "ingest" / "entity.ttl").read_text().replace('"87-100"', '"87100"'))
    run("load", str(DATA / "ingest" / "units.ttl"))
    code, out, err = run("load", str(bad))
    assert code == 1
    assert "REJECTED" in err and "postcode" in err.lower()
    code, out, err = run("validate", "--lang", "pl", str(bad))
    assert code == 1 and "kod pocztowy" in err.lower()
    code, out, err = run("validate", str(DATA / "ingest" / "units.ttl"))
    assert code == 0 and "all conform" in out


def test_malformed_files_get_one_clear_message(run, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .")
    code, _, err = run("load", str(broken))
    assert code == 1 and "line 1" in err.lower()
    code, _, err = run("load", str(tmp_path / "missing.ttl"))
    assert code == 2 and "no such file" in err


def test_usage_errors_exit_2(run):
    assert run("load")[0] == 2
    assert run("no-such-command")[0] == 2
    code, _, err = run("query", "SELEC nothing")
    assert code == 2 and "syntax" in err.lower()
    code, _, err = run("dump", "out.txt")
    assert code == 2


def test_dump_and_restore_round_trip(run, tmp_path):
    run("load", str(DATA / "ingest" / "units.ttl"), str(DATA / "ingest" / "entity.ttl"))
    dump = tmp_path / "all.nq.gz"
    assert run("dump", str(dump))[0] == 0
    first = json.loads(run("stats", "--json")[1])
    other = tmp_path / "other"
    assert main(["--data", str(other), "restore", str(dump)]) == 0
    assert main(["--data", str(other), "stats", "--json"]) == 0
    # Restoring over a store that is not empty needs --replace.
    code, _, err = run("restore", str(dump))
    assert code == 2 and "--replace" in err
    assert run("restore", "--replace", str(dump))[0] == 0
    assert json.loads(run("stats", "--json")[1]) == first


def test_restore_of_a_broken_dump_keeps_the_store(run, tmp_path):
    run("load", str(DATA / "ingest" / "units.ttl"))
    before = json.loads(run("stats", "--json")[1])
    broken = tmp_path / "broken.nq"
    broken.write_text("<http://a> <http://b> .\n")
    code, _, err = run("restore", "--replace", str(broken))
    assert code == 1 and "not a readable dump" in err
    assert json.loads(run("stats", "--json")[1]) == before


def test_bad_settings_are_usage_errors(run, monkeypatch):
    monkeypatch.setenv("REGISTRY_BASE", "not a url")
    code, _, err = run("stats")
    assert code == 2 and "REGISTRY_BASE" in err
