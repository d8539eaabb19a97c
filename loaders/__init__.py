"""Loaders: pure functions from input files to RDF; they know nothing of HTTP or the store.

* :mod:`loaders.rdf` parses RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD).
* :mod:`loaders.tabular` reads the registry's own CSV/XLSX templates of entities and offers.
* :mod:`loaders.vocabindex` finds SKOS concepts by key, notation or label.

The submodules are imported when used, so importing this package loads nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph

    from .vocabindex import VocabIndex

LOADERS = ("loaders.rdf", "loaders.tabular")

__all__ = ["LOADERS", "tabular_source"]


def tabular_source(
    data: bytes,
    *,
    filename: str | None = None,
    base: str,
    max_bytes: int,
    vocab: VocabIndex | None = None,
) -> tuple[list[pyoxigraph.Triple], list[tuple[str, str]]]:
    """Triples of an uploaded CSV/XLSX template and its row errors as (Polish, English) pairs.

    The documents' triples are returned together (an entity's offers included, offers of
    entities outside the upload as bare fragments); each error names its sheet, row and column.
    ``vocab`` defaults to the registry's own concept schemes.
    """
    from .tabular import load_upload
    from .vocabindex import default_vocab

    documents, errors = load_upload(
        data, filename=filename, base=base, vocab=vocab or default_vocab(), max_bytes=max_bytes
    )
    triples = [t for document in documents for t in document.triples]
    return triples, [(e.message("pl"), e.message("en")) for e in errors]
