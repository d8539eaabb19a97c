"""Settings and the locations of the registry's data files.

This is the only module that knows where ontology/, shapes/ and sparql_queries/ live: inside the
installed package (``registry/data/...``) or, in a source checkout, at the repository's top.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _data_root(name: str) -> Path:
    installed = _PACKAGE / "data" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"data folder {name!r} is missing from this installation")


def ontology_dir() -> Path:
    """Folder of the OWL ontology (``pes.ttl``)."""
    return _data_root("ontology")


def vocab_dir() -> Path:
    """Folder of the SKOS concept schemes, one Turtle file each."""
    return ontology_dir() / "vocab"


def shapes_dir() -> Path:
    """Folder of the SHACL shapes."""
    return _data_root("shapes")


def queries_dir() -> Path:
    """Folder of the named SPARQL queries (``*.rq``)."""
    return _data_root("sparql_queries")


def package_file(*parts: str) -> Path:
    """A file shipped inside the ``registry`` package (templates, demo data, tabular templates)."""
    return _PACKAGE.joinpath(*parts)


DEFAULT_BASE = "http://127.0.0.1:8000"
DEFAULT_DATA = "./var/store"
DEFAULT_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
DEFAULT_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


@dataclass(frozen=True)
class Settings:
    """Every setting of the registry, with its environment variable and default.

    ``docs/configuration.md`` and the README list the same settings; a test keeps them in step.
    """

    data_dir: Path = field(
        default=Path(DEFAULT_DATA),
        metadata={"env": "REGISTRY_DATA", "doc": "Folder of the embedded store and its snapshots."},
    )
    base: str = field(
        default=DEFAULT_BASE,
        metadata={"env": "REGISTRY_BASE", "doc": "Base of instance IRIs ({BASE}/id/{kind}/{key})."},
    )
    max_upload_bytes: int = field(
        default=50 * 1024 * 1024,
        metadata={"env": "REGISTRY_MAX_UPLOAD_BYTES", "doc": "Largest file or request body accepted for loading."},
    )
    publisher: str = field(
        default="gmina-miasta-torun",
        metadata={
            "env": "REGISTRY_PUBLISHER",
            "doc": "Key of the unit (the municipality) recorded as the organisation behind writes.",
        },
    )
    licence: str = field(
        default=DEFAULT_LICENCE,
        metadata={
            "env": "REGISTRY_LICENCE",
            "doc": "IRI of the licence of the published data (the catalogue's dct:license).",
        },
    )

    sparql_timeout: float = field(
        default=30.0,
        metadata={"env": "REGISTRY_SPARQL_TIMEOUT", "doc": "Time limit of one SPARQL query, in seconds."},
    )
    sparql_workers: int = field(
        default=8,
        metadata={"env": "REGISTRY_SPARQL_WORKERS", "doc": "Query worker processes (queries run at once)."},
    )
    sparql_max_result_bytes: int = field(
        default=100 * 1024 * 1024,
        metadata={"env": "REGISTRY_SPARQL_MAX_RESULT_BYTES", "doc": "Largest SPARQL answer, in bytes."},
    )
    sparql_max_body_bytes: int = field(
        default=1024 * 1024,
        metadata={"env": "REGISTRY_SPARQL_MAX_BODY_BYTES", "doc": "Largest SPARQL request body, in bytes."},
    )
    sparql_worker_memory: int = field(
        default=4 * 1024 * 1024 * 1024,
        metadata={"env": "REGISTRY_SPARQL_WORKER_MEMORY", "doc": "Address-space limit of a query worker, in bytes (0: none)."},
    )
    sparql_service_allowlist: str = field(
        default="",
        metadata={
            "env": "REGISTRY_SPARQL_SERVICE_ALLOWLIST",
            "doc": "Space-separated endpoint IRIs that SPARQL SERVICE may call (none by default).",
        },
    )

    dumps_rebuild_delay: float = field(
        default=30.0,
        metadata={
            "env": "REGISTRY_DUMPS_REBUILD_DELAY",
            "doc": "Seconds without writes after which the server rebuilds the downloads in the background.",
        },
    )

    tiles_url: str = field(
        default=DEFAULT_TILES_URL,
        metadata={
            "env": "REGISTRY_TILES_URL",
            "empty": True,  # set but empty turns the maps off
            "doc": "Map tile URL template with {z}, {x} and {y} (empty: no maps, only lists of places).",
        },
    )
    tiles_attribution: str = field(
        default=DEFAULT_TILES_ATTRIBUTION,
        metadata={"env": "REGISTRY_TILES_ATTRIBUTION", "doc": "Attribution shown on maps (HTML links allowed)."},
    )

    @property
    def service_allowlist(self) -> frozenset[str]:
        """The SERVICE endpoints queries may call."""
        return frozenset(self.sparql_service_allowlist.split())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from the environment, then apply explicit overrides."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or (raw == "" and not f.metadata.get("empty")):
                continue
            if f.type in ("Path", Path):
                values[f.name] = Path(raw)
            elif f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{f.metadata['env']} must be a whole number, not {raw!r}") from None
            elif f.type in ("float", float):
                try:
                    values[f.name] = float(raw)
                except ValueError:
                    raise ValueError(f"{f.metadata['env']} must be a number, not {raw!r}") from None
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        return settings.checked()

    def checked(self) -> Settings:
        """Normalise and check values; raise ValueError with a clear message."""
        base = self.base.rstrip("/")
        if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", base):
            raise ValueError(f"REGISTRY_BASE must be an http(s) URL without query or fragment, not {self.base!r}")
        if self.max_upload_bytes <= 0:
            raise ValueError("REGISTRY_MAX_UPLOAD_BYTES must be positive")
        if not 0 < self.sparql_timeout <= 24 * 3600:
            raise ValueError("REGISTRY_SPARQL_TIMEOUT must be between 0 and 86400 seconds")
        if not 1 <= self.sparql_workers <= 256:
            raise ValueError("REGISTRY_SPARQL_WORKERS must be between 1 and 256")
        if self.sparql_max_result_bytes <= 0 or self.sparql_max_body_bytes <= 0:
            raise ValueError("REGISTRY_SPARQL_MAX_RESULT_BYTES and REGISTRY_SPARQL_MAX_BODY_BYTES must be positive")
        if not 0 <= self.dumps_rebuild_delay <= 24 * 3600:
            raise ValueError("REGISTRY_DUMPS_REBUILD_DELAY must be between 0 and 86400 seconds")
        if self.sparql_worker_memory < 0:
            raise ValueError("REGISTRY_SPARQL_WORKER_MEMORY must not be negative")
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", self.licence):
            raise ValueError(f"REGISTRY_LICENCE must be an http(s) IRI, not {self.licence!r}")
        for iri in self.sparql_service_allowlist.split():
            if not re.match(r"^https?://[^\s<>\"]+$", iri):
                raise ValueError(f"REGISTRY_SPARQL_SERVICE_ALLOWLIST: {iri!r} is not an http(s) IRI")
        tiles = self.tiles_url.strip()
        if tiles and not (re.match(r"^https?://[^\s<>\"]+$", tiles)
                          and all(p in tiles for p in ("{z}", "{x}", "{y}"))):
            raise ValueError(
                "REGISTRY_TILES_URL must be an http(s) URL template with {z}, {x} and {y}, or empty "
                f"to show no maps, not {self.tiles_url!r}"
            )
        return replace(self, base=base, data_dir=Path(self.data_dir), tiles_url=tiles)
