"""Polish text for the search index: case and diacritics folded, inflected forms brought together.

Each word is indexed in three forms: as written (folded), its dictionary lemma (simplemma's Polish
dictionary, which needs the diacritics), and a light stem of the folded word (common inflectional
endings removed). A query word matches a document word when the query's folded form is a prefix
of it, or their lemmas or stems are equal. So "catering" finds "cateringu", "sprzatania" finds
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


def index_text(text: str) -> tuple[str, str]:
    """Two columns for the full-text index: folded words with their lemmas, and stems."""
    out_words: list[str] = []
    out_stems: list[str] = []
    for w in words(text):
        ws, ss = _index_forms(w)
        out_words.extend(ws)
        out_stems.extend(ss)
    return " ".join(out_words), " ".join(out_stems)


MAX_QUERY_WORDS = 12


def match_expression(query: str, words_columns: str, stems_columns: str) -> str | None:
    """An FTS5 MATCH expression for a user's query (every word must match), or None when the
    query has no words. Only folded letters and digits reach the expression, quoted."""
    parts = []
    for w in words(query)[:MAX_QUERY_WORDS]:
        folded, lem, st = _forms(w)
        alternatives = [f'{{{words_columns}}} : "{folded}"*']
        if lem != folded:
            alternatives.append(f'{{{words_columns}}} : "{lem}"')
        alternatives.append(f'{{{stems_columns}}} : "{st}"')
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) if parts else None
