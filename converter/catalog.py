"""The catalogue of saved SPARQL queries: list them, load one, bind its parameters.

A saved query is one ``queries/NAME.rq`` file that begins with a comment
header, the query's contract with its users::

    # title: Budget units without a satisfaction indicator
    # title-zh: 无满意度指标的预算单位
    # zh: 哪些预算单位的项目都没有满意度指标？
    # en: Which budget units have no project with a 满意度指标 indicator?
    # param ?name (string, default: none): what the parameter narrows
    # column ?unitName [预算单位 | Budget unit]: the unit's name as printed in the table
    # terms: pk:UnitBudget, pk:level1Category
    # note: anything else worth knowing
    #   (a line indented by two or more spaces continues the item above)
    # per-table: yes (every row is about one table's resources; converter/per_table.py)

A column's bracket gives its header for people in Chinese and English (the
``.xlsx`` and Excel CSV answers, ``--lang``); an amount's Chinese header ends in
``（万元）`` or ``（元）``, an IRI's holds ``IRI``.

A user's own ``.rq`` may leave out the PREFIX lines of the project's
prefixes (``pk:``, ``pk-cat:``, ``rdfs:`` …, :data:`converter.vocab.PREFIXES`):
:func:`load` adds the ones it uses after its header comment.

Parameters are bound as RDF terms, never pasted as text: each declared
parameter has a placeholder line ``VALUES ?name { … }`` in the query (or
several, when sub-selects that Oxigraph evaluates apart each need the value to
start from), and :func:`bind` replaces what is between their braces with the N-Triples form of an
RDF term built by pyoxigraph (which escapes quotes, backslashes and line
breaks). A value with quotes, braces or ``#`` therefore stays inside one
literal. A ``name`` parameter binds two terms, the plain literal and the same
text tagged ``@zh`` (names are stored in both forms), so that a triple pattern
finds either through the store's index. The one exception is a ``limit``
parameter: SPARQL has no variable LIMIT, so the query's ``LIMIT n`` line gets a
number parsed by :func:`int`.

Lines that only narrow the answer to a parameter's value can be left out of the
text when the parameter is not given: they stand between a line ``# only with
?name`` and a line ``# end of ?name``. Bound, the lines stay (their ``VALUES``
line bound as above); unbound, the lines and their markers go, so that no engine
sees a ``VALUES ?name { UNDEF }`` it may evaluate in its own way (Jena's optimiser
moved a ``FILTER`` onto such a table and answered nothing; Virtuoso kept rows a
filter should have removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import assets, sparqlguard

#: Kinds of parameter and the RDF term each becomes.
KINDS = ("string", "name", "iri", "integer", "decimal", "limit")
_XSD = "http://www.w3.org/2001/XMLSchema#"

_FIELD = re.compile(r"^#\s?(?P<key>title-zh|title|zh|en|terms|note|param|column|per-table)\b\s*(?P<rest>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<text>\S.*)$")
_PARAM = re.compile(
    r"^\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>[a-z]+),\s*default:\s*(?P<default>[^)]*)\)\s*:\s*(?P<doc>.*)$"
)
_COLUMN = re.compile(
    r"^\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\[(?P<zh>[^|\]]+)\|(?P<en>[^\]]+)\])?\s*:\s*(?P<doc>.*)$"
)
_CODEPOINT_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_LIMIT = re.compile(r"^(?P<head>\s*LIMIT\s+)(?P<value>\d+)(?P<tail>\s*)$", re.M | re.I)


class QueryError(ValueError):
    """A saved query or its parameters cannot be used as given."""


@dataclass(frozen=True)
class Param:
    """One parameter of a saved query; ``default`` None means "unbound" (no narrowing)."""

    name: str
    kind: str
    default: str | None
    doc: str


@dataclass(frozen=True)
class Column:
    """A result column: its variable, what it holds, and its headers for people (empty when not given)."""

    name: str
    doc: str
    zh: str = ""
    en: str = ""

    def header(self, lang: str | None) -> str:
        """The header in ``lang`` (``zh`` or ``en``), the variable's name when none is given."""
        label = {"zh": self.zh, "en": self.en}.get(lang or "", "")
        return label or self.name

    @property
    def is_iri(self) -> bool:
        return "IRI" in self.zh or self.doc.startswith("IRI")

    @property
    def is_money(self) -> bool:
        """An amount (万元 or 元): written with two decimals, ``#,##0.00`` in a spreadsheet."""
        return self.zh.endswith(("（万元）", "（元）"))


@dataclass(frozen=True)
class SavedQuery:
    """A query with the contract its header states."""

    name: str
    text: str
    title: str = ""
    title_zh: str = ""
    zh: str = ""
    en: str = ""
    terms: str = ""
    notes: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    columns: tuple[Column, ...] = field(default_factory=tuple)
    #: ``# per-table: yes``: every row is about one table's resources, so ``perfkg build`` may ask it of one
    #: table graph at a time when the tables stand apart (:mod:`converter.per_table`).
    per_table: bool = False

    @property
    def federated(self) -> bool:
        """The query fetches from elsewhere (``SERVICE``, ``LOAD``: it needs the internet).

        Read as ``perfkg serve`` reads a request (:func:`converter.sparqlguard.fetches`):
        the word in a comment or a literal does not count.
        """
        return bool(sparqlguard.fetches(self.text))

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")

    def titled(self, lang: str | None) -> str:
        """The title in ``lang``: ``zh``, ``en``, or both (None) when both are given."""
        if lang == "zh":
            return self.title_zh or self.title
        if lang == "en":
            return self.title or self.title_zh
        return " · ".join(t for t in (self.title_zh, self.title) if t)

    def question(self, lang: str | None) -> str:
        return (self.en or self.zh) if lang == "en" else (self.zh or self.en)

    def column(self, name: str) -> Column:
        """The contract's column of that variable (a bare one when the header does not state it)."""
        for c in self.columns:
            if c.name == name:
                return c
        return Column(name, "")


# -- the catalogue -------------------------------------------------------------


def names() -> list[str]:
    """Names of the bundled queries, sorted."""
    return [n[: -len(".rq")] for n in assets.list_assets("queries", ".rq")]


def catalogue() -> list[SavedQuery]:
    """Every bundled query, parsed."""
    return [load(n) for n in names()]


def load(name_or_path: str | Path) -> SavedQuery:
    """A bundled query by name, or any ``.rq`` file by path."""
    text_name = str(name_or_path)
    if text_name == "-":  # standard input
        from .streams import read_text

        return parse("stdin", with_prefixes(read_text("-")))
    if text_name.endswith((".rq", ".rq.gz")) or "/" in text_name or "\\" in text_name:
        from .streams import inner_name, read_text

        path = Path(name_or_path)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file")
        return parse(Path(inner_name(path)).stem, with_prefixes(read_text(path)))
    if text_name not in names():
        raise QueryError(f"no saved query named {text_name!r}; 'perfkg queries' lists them")
    return parse(text_name, assets.read_text("queries", f"{text_name}.rq"))


# -- the header ----------------------------------------------------------------


def parse(name: str, text: str) -> SavedQuery:
    """Read the header comment of a query file into its contract."""
    items: list[list[str]] = []  # [key, text] in order, continuations appended
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if (cont := _CONTINUATION.match(line)) and items:
            items[-1][1] += " " + cont["text"].strip()
        elif m := _FIELD.match(line):
            rest = m["rest"]
            items.append([m["key"], rest[1:].strip() if rest.startswith(":") else rest.strip()])
    fields: dict[str, str] = {}
    notes, params, columns = [], [], []
    for key, value in items:
        if key == "param":
            params.append(_param(name, value))
        elif key == "column":
            columns.append(_column(name, value))
        elif key == "note":
            notes.append(value)
        else:
            fields[key] = value
    return SavedQuery(
        name=name, text=text, title=fields.get("title", ""), title_zh=fields.get("title-zh", ""),
        zh=fields.get("zh", ""), en=fields.get("en", ""),
        terms=fields.get("terms", ""), notes=tuple(notes), params=tuple(params), columns=tuple(columns),
        per_table=fields.get("per-table", "").split(" ", 1)[0].lower() == "yes",
    )  # fmt: skip


def _param(query: str, text: str) -> Param:
    m = _PARAM.match(text)
    if not m or m["kind"] not in KINDS:
        raise QueryError(
            f"query {query!r}: bad parameter line {text!r}; "
            f"expected '?name (KIND, default: VALUE): what it does' with KIND one of {', '.join(KINDS)}"
        )
    default = m["default"].strip()
    return Param(m["name"], m["kind"], None if default == "none" else default, m["doc"].strip())


def _column(query: str, text: str) -> Column:
    m = _COLUMN.match(text)
    if not m:
        raise QueryError(f"query {query!r}: bad column line {text!r}; expected '?name: what it holds'")
    return Column(m["name"], m["doc"].strip(), (m["zh"] or "").strip(), (m["en"] or "").strip())


# -- prefixes ------------------------------------------------------------------

_DECLARED = re.compile(r"^\s*PREFIX\s+(?P<prefix>[A-Za-z][\w.-]*)?:", re.I | re.M)


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each project prefix it uses but does not declare.

    The lines go after the header comment (which must stay first), in the
    order of :data:`converter.vocab.PREFIXES`. A prefix counts as used when
    ``name:`` follows something that cannot be part of a name, outside comments;
    an unneeded declaration is harmless, a missing one is a parse error.
    """
    from .vocab import PREFIXES

    declared = {m["prefix"] or "" for m in _DECLARED.finditer(text)}
    body = "\n".join(line.split("#", 1)[0] if line.lstrip().startswith("#") else line for line in text.splitlines())
    missing = [
        (prefix, namespace)
        for prefix, namespace in PREFIXES.items()
        if prefix not in declared and re.search(rf"(?<![\w.:/<-]){re.escape(prefix)}:", body)
    ]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    at = 0
    while at < len(lines) and (lines[at].startswith("#") or not lines[at].strip()):
        at += 1
    added = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in missing)
    return "".join(lines[:at]) + added + "".join(lines[at:])


# -- binding -------------------------------------------------------------------


def term(kind: str, value: str) -> str:
    """The SPARQL (N-Triples) syntax of the RDF term a parameter value stands for.

    pyoxigraph builds the term and writes it, escaping what must be escaped;
    nothing of the value reaches the query unescaped. A ``name`` gives two terms
    (the VALUES line then has two rows).
    """
    if kind == "string":
        if _CODEPOINT_ESCAPE.search(value):
            # SPARQL decodes \uXXXX before parsing, and rdflib does so even after an
            # escaped backslash: the value would not read back as itself there.
            raise QueryError(f"{value!r}: a backslash followed by u/U and hex digits cannot be bound safely")
        return str(ox.Literal(value))
    if kind == "name":
        # Names are stored as plain literals (pk:normalizedName) and as @zh labels
        # (rdfs:label): binding both terms lets a triple pattern find either through the
        # store's index, where FILTER (STR(?label) = …) compared every label in the store.
        plain = term("string", value)
        return f"{plain} {ox.Literal(value, language='zh')}"
    if kind == "iri":
        try:
            return str(ox.NamedNode(value))
        except ValueError as err:
            raise QueryError(f"{value!r} is not an IRI: {err}") from err
    if kind == "integer":
        return str(ox.Literal(str(_int(value)), datatype=ox.NamedNode(_XSD + "integer")))
    if kind == "decimal":
        try:
            number = Decimal(value.strip())
        except InvalidOperation as err:
            raise QueryError(f"{value!r} is not a decimal number") from err
        if not number.is_finite():
            raise QueryError(f"{value!r} is not a decimal number")
        return str(ox.Literal(format(number, "f"), datatype=ox.NamedNode(_XSD + "decimal")))
    raise QueryError(f"a {kind} parameter has no RDF term")


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError as err:
        raise QueryError(f"{value!r} is not a whole number") from err


def _placeholder(name: str) -> re.Pattern[str]:
    return re.compile(rf"^(?P<head>\s*VALUES\s+\?{name}\s*\{{)(?P<body>[^}}\n]*)(?P<tail>\}}\s*)$", re.M)


def _block(name: str) -> re.Pattern[str]:
    """The lines from ``# only with ?name`` to ``# end of ?name``, both included."""
    return re.compile(
        rf"^[ \t]*#[ \t]*only with \?{name}\b[^\n]*\n.*?^[ \t]*#[ \t]*end of \?{name}\b[^\n]*(?:\n|\Z)", re.M | re.S
    )


def bind(query: SavedQuery, values: dict[str, str] | None = None) -> str:
    """The query text with every parameter bound: the values given, else the defaults.

    An unbound parameter's ``# only with ?name`` blocks are left out of the text.
    """
    values = dict(values or {})
    for name in values:
        query.param(name)  # raises on an unknown name
    text = query.text
    for param in query.params:
        value = values.get(param.name, param.default)
        if param.kind == "limit":
            text = _bind_limit(query, text, param, value)
            continue
        body = " UNDEF " if value is None else f" {term(param.kind, value)} "
        pattern = _placeholder(param.name)
        if not pattern.search(text):
            raise QueryError(f"query {query.name!r}: parameter ?{param.name} needs a line 'VALUES ?{param.name} {{ … }}'")
        if value is None:
            text = _block(param.name).sub("", text)
            if not pattern.search(text):
                continue
        text = pattern.sub(lambda m: m["head"] + body + m["tail"], text)
    return text


def _bind_limit(query: SavedQuery, text: str, param: Param, value: str | None) -> str:
    if len(_LIMIT.findall(text)) != 1:
        raise QueryError(f"query {query.name!r}: limit parameter ?{param.name} needs exactly one line 'LIMIT n'")
    if value is None:
        return text
    number = _int(value)
    if number < 0:
        raise QueryError(f"?{param.name} must be 0 or more, not {number}")
    return _LIMIT.sub(lambda m: f"{m['head']}{number}{m['tail']}", text)


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings from the command line into a dict (the value may hold ``=``)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?")
        if not sep or not key:
            raise QueryError(f"--param {pair!r}: expected KEY=VALUE")
        values[key] = value
    return values
