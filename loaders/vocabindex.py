"""Find SKOS concepts of the registry's vocabularies by key, notation or label.

Users type "Spółdzielnia socjalna", "spoldzielnia socjalna" or "spoldzielnia-socjalna"; CPV
"55520000-1" or "55520000"; a public-task area "1a"; a district "8". All of them find the same
concept: values are compared after :func:`fold` (lower case, no diacritics, punctuation as "-").

>>> index = VocabIndex()
>>> index.add("legal-form", "spoldzielnia-socjalna", labels=["Spółdzielnia socjalna"])
>>> index.lookup("legal-form", "SPÓŁDZIELNIA  socjalna")
'https://w3id.org/pes-registry/vocab/legal-form/spoldzielnia-socjalna'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph

from registry.errors import InputError
from registry.namespaces import VOCAB_BASE

__all__ = ["VocabIndex", "default_vocab", "fold"]

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Letters that Unicode decomposition does not reduce to a base letter.
_TRANSLITERATION = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})
_CPV = re.compile(r"^(\d{8})-\d$")

# Ranks of the ways a value can name a concept; a better rank wins when two concepts share a
# folded value (a key beats someone else's label).
_KEY, _NOTATION, _PREF_LABEL, _ALT_LABEL = range(4)


def fold(value: str) -> str:
    """Fold a value for comparison: lower case, Polish letters to ASCII, punctuation to "-".

    >>> fold("  Spółdzielnia Socjalna „Przystań” ")
    'spoldzielnia-socjalna-przystan'
    """
    text = unicodedata.normalize("NFKD", value.translate(_TRANSLITERATION))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class VocabIndex:
    """Concepts of the registry's SKOS schemes, looked up by key, notation or label."""

    def __init__(self) -> None:
        # scheme -> folded value -> (rank, concept IRI)
        self._index: dict[str, dict[str, tuple[int, str]]] = {}
        # scheme -> key -> (Polish label, English label)
        self._concepts: dict[str, dict[str, tuple[str | None, str | None]]] = {}

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> VocabIndex:
        """Read SKOS Turtle files (one scheme each, or several) into an index."""
        index = cls()
        for path in paths:
            try:
                quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
            except (OSError, SyntaxError) as exc:
                raise InputError(f"Cannot read vocabulary {Path(path).name}: {exc}") from None
            index.add_quads(quads)
        return index

    @classmethod
    def from_dir(cls, folder: str | Path) -> VocabIndex:
        """Read every ``*.ttl`` file of a folder (such as ``registry.config.vocab_dir()``)."""
        return cls.from_files(sorted(Path(folder).glob("*.ttl")))

    def add_quads(self, quads: Iterable[pyoxigraph.Quad | pyoxigraph.Triple]) -> None:
        """Add the concepts found in parsed SKOS data."""
        by_subject: dict[str, dict[str, list[pyoxigraph.Literal | pyoxigraph.NamedNode]]] = {}
        for quad in quads:
            if not isinstance(quad.subject, pyoxigraph.NamedNode):
                continue
            props = by_subject.setdefault(quad.subject.value, {})
            props.setdefault(quad.predicate.value, []).append(quad.object)
        for iri, props in by_subject.items():
            types = {o.value for o in props.get(RDF_TYPE, [])}
            schemes = [o.value for o in props.get(SKOS + "inScheme", [])]
            if SKOS + "Concept" not in types and not schemes:
                continue
            scheme_key = _scheme_and_key(iri, schemes)
            if scheme_key is None:
                continue
            scheme, key = scheme_key
            labels = _literals(props.get(SKOS + "prefLabel", []))
            self.add(
                scheme,
                key,
                iri=iri,
                notations=[o.value for o in props.get(SKOS + "notation", [])],
                labels=[value for value, _ in labels],
                alt_labels=[o.value for o in props.get(SKOS + "altLabel", [])],
                pl=_in_language(labels, "pl"),
                en=_in_language(labels, "en"),
            )

    def add(
        self,
        scheme: str,
        key: str,
        *,
        iri: str | None = None,
        notations: Iterable[str] = (),
        labels: Iterable[str] = (),
        alt_labels: Iterable[str] = (),
        pl: str | None = None,
        en: str | None = None,
    ) -> None:
        """Add one concept by hand (tests, or schemes built in code)."""
        iri = iri or f"{VOCAB_BASE}{scheme}/{key}"
        labels = list(labels)
        entries = self._index.setdefault(scheme, {})
        self._concepts.setdefault(scheme, {})[key] = (pl or (labels[0] if labels else None), en)
        named = [(key, _KEY), *((n, _NOTATION) for n in notations)]
        named += [(label, _PREF_LABEL) for label in labels]
        named += [(label, _ALT_LABEL) for label in alt_labels]
        for value, rank in named:
            forms = {fold(value)}
            cpv = _CPV.match(value.strip())
            if cpv:  # a CPV code is also known without its check digit
                forms.add(cpv.group(1))
            for form in forms:
                if not form:
                    continue
                current = entries.get(form)
                if current is None or rank < current[0]:
                    entries[form] = (rank, iri)

    def lookup(self, scheme: str, value: str) -> str | None:
        """Return the IRI of the concept of ``scheme`` named by ``value``, or None.

        ``value`` may be the key, a notation, a Polish or English preferred label (or an
        alternative label), or the concept's IRI; case and diacritics do not matter.
        """
        entries = self._index.get(scheme)
        if not entries or value is None:
            return None
        text = str(value).strip()
        prefix = f"{VOCAB_BASE}{scheme}/"
        text = text.removeprefix(prefix)
        found = entries.get(fold(text))
        return found[1] if found else None

    def schemes(self) -> list[str]:
        """Names of the schemes in the index."""
        return sorted(self._concepts)

    def keys(self, scheme: str) -> list[str]:
        """Keys of the concepts of a scheme, in the order they were added."""
        return list(self._concepts.get(scheme, {}))

    def label(self, scheme: str, key: str, lang: str = "pl") -> str | None:
        """Preferred label of a concept in Polish (``"pl"``) or English (``"en"``)."""
        pl, en = self._concepts.get(scheme, {}).get(key, (None, None))
        return en if lang == "en" else pl

    def describe(self, scheme: str, lang: str = "pl") -> str:
        """The allowed values of a scheme as ``key (label), ...`` for error messages."""
        parts = []
        for key in self.keys(scheme):
            label = self.label(scheme, key, lang)
            parts.append(f"{key} ({label})" if label and fold(label) != key else key)
        return ", ".join(parts)

    def __contains__(self, scheme: object) -> bool:
        return scheme in self._concepts

    def __len__(self) -> int:
        return sum(len(c) for c in self._concepts.values())


def _scheme_and_key(iri: str, schemes: list[str]) -> tuple[str, str] | None:
    """The scheme name and key of a concept IRI of the registry's vocabulary."""
    if iri.startswith(VOCAB_BASE):
        rest = iri[len(VOCAB_BASE) :]
        if "/" in rest:
            scheme, key = rest.split("/", 1)
            return scheme, key
    for scheme_iri in schemes:
        if scheme_iri.startswith(VOCAB_BASE) and iri.startswith(scheme_iri.rstrip("/#") + "/"):
            return scheme_iri[len(VOCAB_BASE) :], iri[len(scheme_iri.rstrip("/#")) + 1 :]
    return None


def _literals(objects: list) -> list[tuple[str, str | None]]:
    return [(o.value, o.language) for o in objects if isinstance(o, pyoxigraph.Literal)]


def _in_language(labels: list[tuple[str, str | None]], lang: str) -> str | None:
    for value, language in labels:
        if language and language.lower().split("-")[0] == lang:
            return value
    return None


@cache
def default_vocab() -> VocabIndex:
    """The registry's own concept schemes (``ontology/vocab/*.ttl``), read once per process."""
    from registry.config import vocab_dir

    return VocabIndex.from_dir(vocab_dir())
