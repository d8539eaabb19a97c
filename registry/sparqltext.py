"""A lexical look at a SPARQL request before it runs: its form, its dataset, its SERVICE targets.

The endpoint must know three things that pyoxigraph does not tell before evaluation:

* the query form (SELECT/ASK, CONSTRUCT/DESCRIBE, or an update), to choose the answer's format;
* whether the query names its own dataset (``FROM``/``FROM NAMED``), because pyoxigraph's
  ``use_default_graph_as_union`` would silently ignore it;
* every ``SERVICE`` target, because pyoxigraph calls remote endpoints by itself: a target that is
  not on the operator's allowlist must be refused *before* the query runs.

This module tokenizes the text after the SPARQL 1.1 grammar's terminals (strings, IRIs, comments,
prefixed names, variables) so that a keyword inside a string, an IRI or a comment is not taken for
one, and a keyword written in any case is. It resolves ``SERVICE`` targets written as IRIs or
prefixed names; a variable target, a relative IRI, an unknown prefix or text that cannot be
tokenized are treated as not allowed. Oxigraph does not apply ``\\u`` escapes outside strings and
IRIs (checked against 0.5.13), so neither does this lexer; inside an IRI they are decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# -- terminals (SPARQL 1.1, section 19.8) -------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    f"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_UCHAR = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
_ECHAR = r"\\[tbnrf\\\"']"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
            rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"
            rf"|\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|{_ECHAR}|{_UCHAR}))*\"\"\""
            rf"|'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"
            rf"|\"(?:[^\"\\\n\r]|{_ECHAR}|{_UCHAR})*\")",
            rf"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<bnode>_:[^\s{}()\[\].,;]+)",
            r"(?P<number>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[^\s])",
        ]
    )
)

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class LexError(ValueError):
    """The text cannot be split into SPARQL tokens (an unterminated string, for example)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokens(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments dropped)."""
    out = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise LexError(f"cannot read the text at character {pos + 1}")
        kind = m.lastgroup or "punct"
        if kind == "punct" and m.group() in "\"'":
            raise LexError(f"unterminated string at character {pos + 1}")
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), pos))
        pos = m.end()
    return out


def _unescape_iri(body: str) -> str:
    return re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        body,
    )


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` clause: its target IRI when it could be resolved to an absolute IRI."""

    written: str
    iri: str | None
    reason: str = ""


@dataclass(frozen=True)
class Analysis:
    form: str | None  # select/ask/construct/describe, or None when it is not a query
    update: bool  # the text is (or starts like) a SPARQL Update request
    names_dataset: bool  # FROM or FROM NAMED appears
    services: tuple[ServiceCall, ...] = field(default_factory=tuple)
    error: str | None = None  # set when the text could not be tokenized

    def refused_services(self, allowed: frozenset[str] | set[str]) -> list[ServiceCall]:
        """The SERVICE calls not allowed by the operator's allowlist (exact IRIs)."""
        return [s for s in self.services if s.iri is None or s.iri not in allowed]


def _resolve(tok: Token, prefixes: dict[str, str | None]) -> tuple[str | None, str]:
    if tok.kind == "iri":
        iri = _unescape_iri(tok.text[1:-1])
        if not _ABSOLUTE.match(iri):
            return None, "a SERVICE target must be an absolute IRI"
        return iri, ""
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        if prefix not in prefixes:
            return None, f"the prefix {prefix!r} is not declared"
        ns = prefixes[prefix]
        if ns is None:
            return None, "a SERVICE target must be an absolute IRI"
        return ns + _unescape_local(local), ""
    if tok.kind == "var":
        return None, "a SERVICE target may not be a variable"
    return None, "the SERVICE target could not be read"


@lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    """Look at a query or update text without running it (cached: harvesters repeat themselves)."""
    try:
        toks = tokens(text)
    except LexError as e:
        # Text Oxigraph will reject anyway, unless it hides a SERVICE we could not see.
        suspicious = "service" in text.lower()
        services = (ServiceCall("SERVICE", None, "the query could not be analysed"),) if suspicious else ()
        return Analysis(form=None, update=False, names_dataset=False, services=services, error=str(e))

    prefixes: dict[str, str | None] = {}
    form: str | None = None
    update = False
    names_dataset = False
    services: list[ServiceCall] = []
    i = 0
    # Prologue: BASE and PREFIX declarations, in any order.
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "word" else ""
        if word == "BASE" and i + 1 < len(toks):
            i += 2
            continue
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname":
            name = toks[i + 1].text.rstrip(":")
            if toks[i + 1].text.endswith(":") and toks[i + 2].kind == "iri":
                iri = _unescape_iri(toks[i + 2].text[1:-1])
                prefixes[name] = iri if _ABSOLUTE.match(iri) else None
            i += 3
            continue
        break
    if i < len(toks) and toks[i].kind == "word":
        first = toks[i].text.upper()
        form = QUERY_FORMS.get(first)
        update = first in UPDATE_KEYWORDS

    for j, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        if word == "FROM":
            names_dataset = True
        elif word == "PREFIX" and j + 2 < len(toks) and toks[j + 1].kind == "pname":
            # Updates may declare prefixes between operations; keep the latest.
            if toks[j + 2].kind == "iri":
                iri = _unescape_iri(toks[j + 2].text[1:-1])
                prefixes[toks[j + 1].text.rstrip(":")] = iri if _ABSOLUTE.match(iri) else None
        elif word == "SERVICE":
            k = j + 1
            if k < len(toks) and toks[k].kind == "word" and toks[k].text.upper() == "SILENT":
                k += 1
            if k >= len(toks):
                services.append(ServiceCall("SERVICE", None, "the SERVICE target is missing"))
                continue
            iri, reason = _resolve(toks[k], prefixes)
            services.append(ServiceCall(toks[k].text, iri, reason))
    return Analysis(form=form, update=update, names_dataset=names_dataset, services=tuple(services))
