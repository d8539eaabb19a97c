"""Polish text for the search index: case and diacritics folded, inflected forms brought together.

Each word is indexed in three forms: as written (folded), its dictionary lemma (simplemma's Polish
dictionary, which needs the diacritics), and a light stem of the folded word (common inflectional
endings removed). A query word matches a document word when the query's folded form is a prefix
of it (for query words of three letters or more), or their lemmas or stems are equal. So "catering" finds "cateringu", "sprzatania" finds
"sprzątanie", and "szkoły" finds "szkoła" without matching "szkolenie".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)
_EXTRA = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "đ": "d"})
# Inflectional endings of Polish nouns, adjectives and verbal nouns, folded, longest first.
_ENDINGS = sorted(
    {
        "owaniami", "owaniach", "owaniem", "owaniu", "owania", "owanie", "owan",
        "aniami", "aniach", "aniem", "aniu", "ania", "anie",
        "ami", "ach", "ego", "emu", "ymi", "imi", "owi", "owie", "ych", "ich", "iej",
        "ow", "om", "em", "ie", "ia", "iu", "ej", "ym", "im", "ac", "ic", "yc",
        "a", "e", "i", "o", "u", "y",
    },
    key=len,
    reverse=True,
)
MIN_STEM = 4


def fold(word: str) -> str:
    """Lower case without diacritics ("Sprzątanie" -> "sprzatanie")."""
    word = word.translate(_EXTRA).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """A light stem of a folded word: the longest known ending removed, at least 4 letters kept."""
    if len(folded) <= MIN_STEM or folded.isdigit():
        return folded
    for ending in _ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
            return folded[: -len(ending)]
    return folded


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The folded dictionary lemma of a word (the folded word itself when unknown)."""
    if word.isdigit() or len(word) < 3:
        return fold(word)
    import simplemma

    try:
        return fold(simplemma.lemmatize(word.lower(), lang="pl"))
    except Exception:  # an odd word must never fail the index
        return fold(word)


@lru_cache(maxsize=200_000)
def _forms(word: str) -> tuple[str, str, str]:
    folded = fold(word)
    lem = lemma(word)
    return folded, lem, stem(folded)


@lru_cache(maxsize=200_000)
def _index_forms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    folded, lem, st = _forms(word)
    lem_stem = stem(lem)
    return ((folded, lem) if lem != folded else (folded,)), ((st, lem_stem) if lem_stem != st else (st,))


def index_terms(text: str) -> tuple[list[str], list[str]]:
    """The terms a text is found by: its folded words with their lemmas, and their stems (each
    list without repeats, in order)."""
    out_words: dict[str, None] = {}
    out_stems: dict[str, None] = {}
    for w in words(text):
        ws, ss = _index_forms(w)
        for x in ws:
            out_words[x] = None
        for x in ss:
            out_stems[x] = None
    return list(out_words), list(out_stems)


MAX_QUERY_WORDS = 12


def query_forms(query: str) -> list[tuple[str, str, str]]:
    """(folded, lemma, stem) of each word of a query (at most 12 words)."""
    return [_forms(w) for w in words(query)[:MAX_QUERY_WORDS]]


def matches(query: str, text: str) -> bool:
    """Whether a text matches a query as the search index matches it: every word of the query
    is the beginning of a word of the text (folded), or shares its lemma or its stem."""
    text_words, text_stems = index_terms(text)
    stems = set(text_stems)
    lemmas = set(text_words)
    forms = query_forms(query)
    return bool(forms) and all(
        lemma in lemmas or stem in stems or any(w.startswith(folded) for w in text_words)
        for folded, lemma, stem in forms
    )
