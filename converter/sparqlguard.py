"""What a SPARQL request would make the server fetch: ``SERVICE`` and ``LOAD`` targets.

pyoxigraph evaluates ``SERVICE <url>`` and ``LOAD <url>`` by sending HTTP
requests itself, to any address; ``perfkg serve`` refuses both unless the
target's host was allowed (``--allow-federation``). The check is lexical and
errs towards refusing: comments, strings and IRIs are set aside first (so a
``SERVICE`` inside a literal does not count), the keyword is matched where no
name could contain it, and the text is checked both as given and with its
``\\uXXXX`` escapes decoded (SPARQL 1.1 §19.2 lets a parser decode them
before parsing, so ``\\u0053ERVICE`` may be the keyword).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_IRI = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_KEYWORD = re.compile(r"(?<![\w:?$\-])(SERVICE|LOAD)(?![\w:\-])", re.IGNORECASE)
_SILENT = re.compile(r"\s*(?:SILENT(?![\w:\-])\s*)?", re.IGNORECASE)
_PREFIX = re.compile(r"(?<![\w:?$\-])PREFIX\s+([\w.\-]*):\s*\x00(\d+)\x00", re.IGNORECASE)
_PNAME = re.compile(r"([\w.\-]*):([\w.\-%\\:]*)")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Fetch:
    """One place the request would fetch from: the keyword and the target IRI (None: a variable or unknown)."""

    keyword: str
    iri: str | None

    @property
    def host(self) -> str | None:
        if self.iri is None:
            return None
        try:
            return (urlsplit(self.iri).hostname or "").lower() or None
        except ValueError:
            return None


def fetches(text: str) -> list[Fetch]:
    """Every SERVICE/LOAD in the text (in either reading of its escapes), with its target."""
    found = _fetches(text)
    decoded = _UCHAR.sub(lambda m: _char(m.group(1) or m.group(2)), text)
    if decoded != text:
        found += [f for f in _fetches(decoded) if f not in found]
    return found


def refused(text: str, allowed_hosts: frozenset[str]) -> Fetch | None:
    """The first fetch whose host is not allowed, or None when the request fetches nothing it may not."""
    for fetch in fetches(text):
        if fetch.host is None or fetch.host not in allowed_hosts:
            return fetch
    return None


def _char(hex_digits: str) -> str:
    code = int(hex_digits, 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def _fetches(text: str) -> list[Fetch]:
    code, iris = _set_aside(text)
    prefixes = {m.group(1): iris[int(m.group(2))] for m in _PREFIX.finditer(code)}
    found = []
    for match in _KEYWORD.finditer(code):
        rest = code[match.end() :]
        rest = rest[_SILENT.match(rest).end() :]  # type: ignore[union-attr]
        found.append(Fetch(match.group(1).upper(), _target(rest, iris, prefixes)))
    return found


def _target(rest: str, iris: list[str], prefixes: dict[str, str]) -> str | None:
    iri = re.match(r"\x00(\d+)\x00", rest)
    if iri:
        return iris[int(iri.group(1))]
    name = _PNAME.match(rest)
    if name and name.group(1) in prefixes:
        return prefixes[name.group(1)] + name.group(2)
    return None  # a variable, or something only the parser could tell


def _set_aside(text: str) -> tuple[str, list[str]]:
    """The text with comments and strings blanked and each IRI replaced by ``\\0N\\0`` (its index)."""
    out: list[str] = []
    iris: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            out.append(' "" ')
        elif c == "<" and (m := _IRI.match(text, i)):
            out.append(f" \x00{len(iris)}\x00 ")
            iris.append(m.group(1))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out), iris
