"""Loaders: pure functions from input files to RDF; they know nothing of HTTP or the store.

* :mod:`loaders.rdf` parses RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD).
* :mod:`loaders.tabular` reads the registry's own CSV/XLSX templates of entities and offers.
* :mod:`loaders.vocabindex` finds SKOS concepts by key, notation or label.
"""

LOADERS = ("loaders.rdf", "loaders.tabular")
