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

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from the environment, then apply explicit overrides."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            if f.type in ("Path", Path):
                values[f.name] = Path(raw)
            elif f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{f.metadata['env']} must be a whole number, not {raw!r}") from None
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
        return replace(self, base=base, data_dir=Path(self.data_dir))
