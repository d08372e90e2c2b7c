"""``where`` filters: one small SQL-like grammar, parsed here, never evaluated as code.

The grammar (a subset of OGR SQL, so the same text works on every format)::

    expr       := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" not | predicate
    predicate  := "(" expr ")"
                | operand op operand                      op: = == != <> < <= > >=
                | operand ["NOT"] "IN" "(" literal ("," literal)* ")"
                | operand ["NOT"] "LIKE" 'pattern'         % any text, _ one character, case-insensitive
                | operand ["NOT"] "BETWEEN" operand "AND" operand
                | operand "IS" ["NOT"] "NULL"
    operand    := column | literal
    column     := name | "quoted name"
    literal    := 'text' ('' for a quote) | number | NULL | TRUE | FALSE

Keywords are case-insensitive. Column names are checked against the layer.
Tables (CSV, XLSX) are filtered by :func:`landgeo.io.where_table.filter_frame` with pandas masks; other
formats get the same text through GDAL's OGR SQL (pyogrio ``where=``), after
:func:`parse_where` has checked it. No ``eval``, no ``DataFrame.query``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import FieldError, UsageError
from ..i18n import N_, Text

#: Longest filter and deepest nesting accepted (a recipe needs far less).
MAX_LENGTH = 10_000
MAX_DEPTH = 40

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<qname>"(?:[^"]|"")*")
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_]))
  | (?P<op><=|>=|<>|!=|==|=|<|>)
  | (?P<punct>[(),])
  | (?P<name>[^\W\d]\w*)
""", re.VERBOSE | re.UNICODE)
KEYWORDS = {"AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "BETWEEN", "TRUE", "FALSE", "ILIKE"}


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Any  # str, float, bool or None


@dataclass(frozen=True)
class Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class InList:
    operand: Any
    values: tuple
    negate: bool


@dataclass(frozen=True)
class Like:
    operand: Any
    pattern: str
    negate: bool


@dataclass(frozen=True)
class Between:
    operand: Any
    low: Any
    high: Any
    negate: bool


@dataclass(frozen=True)
class IsNull:
    operand: Any
    negate: bool


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR
    items: tuple


@dataclass(frozen=True)
class Not:
    item: Any


@dataclass(frozen=True)
class Where:
    """A parsed filter: its text, its tree and the columns it names."""

    text: str
    tree: Any
    columns: tuple[str, ...]


class _Parser:
    def __init__(self, text: str, source: str):
        self.text, self.source = text, source
        self.tokens = self._tokenize(text)
        self.i = 0
        self.depth = 0

    def fail(self, problem: Text) -> UsageError:
        return UsageError(Text("{file}: where = {where}: {problem}; write e.g. where = \"name = 'Ashanti' AND pop > 1000\" "
                               "(see the README's where grammar)",
                               params={"file": str(self.source), "where": repr(self.text), "problem": problem}))

    def _tokenize(self, text: str) -> list[tuple[str, str]]:
        out, pos = [], 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise self.fail(Text("unexpected {char} at character {pos:d}", params={"char": repr(text[pos]), "pos": pos + 1}))
            kind = m.lastgroup
            if kind != "ws":
                value = m.group(kind)
                if kind == "name" and value.upper() in KEYWORDS:
                    kind, value = "kw", value.upper()
                out.append((kind, value))
            pos = m.end()
        return out

    def peek(self, k: int = 0) -> tuple[str, str] | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise self.fail(Text("it ends too early"))
        self.i += 1
        return tok

    def accept_kw(self, *words: str) -> str | None:
        tok = self.peek()
        if tok and tok[0] == "kw" and tok[1] in words:
            self.i += 1
            return tok[1]
        return None

    def expect(self, kind: str, value: str | None = None) -> str:
        tok = self.take()
        if tok[0] != kind or (value is not None and tok[1] != value):
            raise self.fail(Text("expected {expected} but found {found}", params={"expected": value or kind, "found": repr(tok[1])}))
        return tok[1]

    def parse(self):
        if not self.tokens:
            raise self.fail(Text("it is empty"))
        tree = self.or_()
        if self.peek() is not None:
            raise self.fail(Text("unexpected {found}", params={"found": repr(self.peek()[1])}))
        return tree

    def or_(self):
        items = [self.and_()]
        while self.accept_kw("OR"):
            items.append(self.and_())
        return items[0] if len(items) == 1 else BoolOp("OR", tuple(items))

    def and_(self):
        items = [self.not_()]
        while self.accept_kw("AND"):
            items.append(self.not_())
        return items[0] if len(items) == 1 else BoolOp("AND", tuple(items))

    def _nest(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(Text("it nests deeper than {n} levels", params={"n": MAX_DEPTH}))

    def not_(self):
        if self.accept_kw("NOT"):
            self._nest()
            item = self.not_()
            self.depth -= 1
            return Not(item)
        return self.predicate()

    def predicate(self):
        tok = self.peek()
        if tok == ("punct", "("):
            self.i += 1
            self._nest()
            inner = self.or_()
            self.depth -= 1
            self.expect("punct", ")")
            return inner
        left = self.operand()
        tok = self.peek()
        if tok is None:
            raise self.fail(Text("a condition is incomplete (a comparison such as = 'x' is missing)"))
        if tok[0] == "op":
            self.i += 1
            op = {"==": "=", "<>": "!="}.get(tok[1], tok[1])
            return Compare(op, left, self.operand())
        negate = bool(self.accept_kw("NOT"))
        if self.accept_kw("IN"):
            self.expect("punct", "(")
            values = [self.literal()]
            while self.peek() == ("punct", ","):
                self.i += 1
                values.append(self.literal())
            self.expect("punct", ")")
            return InList(left, tuple(v.value for v in values), negate)
        if self.accept_kw("LIKE", "ILIKE"):
            pat = self.literal()
            if not isinstance(pat.value, str):
                raise self.fail(Text("LIKE needs a quoted pattern, e.g. name LIKE 'Ash%'"))
            return Like(left, pat.value, negate)
        if self.accept_kw("BETWEEN"):
            low = self.operand()
            if not self.accept_kw("AND"):
                raise self.fail(Text("BETWEEN needs AND, e.g. pop BETWEEN 10 AND 20"))
            return Between(left, low, self.operand(), negate)
        if not negate and self.accept_kw("IS"):
            neg = bool(self.accept_kw("NOT"))
            if not self.accept_kw("NULL"):
                raise self.fail(Text("IS must be followed by NULL or NOT NULL"))
            return IsNull(left, neg)
        raise self.fail(Text("expected a comparison (=, <, IN, LIKE, IS NULL…) after {left} but found {found}",
                                  params={"left": self._show(left), "found": repr(tok[1])}))

    @staticmethod
    def _show(node) -> str:
        return node.name if isinstance(node, Column) else repr(node.value)

    def operand(self):
        tok = self.peek()
        if tok is None:
            raise self.fail(Text("it ends too early"))
        if tok[0] == "name":
            self.i += 1
            return Column(tok[1])
        if tok[0] == "qname":
            self.i += 1
            return Column(tok[1][1:-1].replace('""', '"'))
        return self.literal()

    def literal(self) -> Literal:
        kind, value = self.take()
        if kind == "string":
            return Literal(value[1:-1].replace("''", "'"))
        if kind == "number":
            v = float(value)
            if not np.isfinite(v):
                raise self.fail(Text("{value} is not a finite number", params={"value": value}))
            return Literal(v)
        if kind == "kw" and value in ("NULL", "TRUE", "FALSE"):
            return Literal({"NULL": None, "TRUE": True, "FALSE": False}[value])
        if kind == "name":
            raise self.fail(Text("{value} is not a value; put text in single quotes ('{name}')", params={"value": repr(value), "name": value}))
        raise self.fail(Text("expected a value but found {found}", params={"found": repr(value)}))


def _columns(node, out: list[str]) -> None:
    if isinstance(node, Column):
        out.append(node.name)
    elif isinstance(node, (Compare,)):
        _columns(node.left, out)
        _columns(node.right, out)
    elif isinstance(node, (InList, Like, IsNull)):
        _columns(node.operand, out)
    elif isinstance(node, Between):
        for n in (node.operand, node.low, node.high):
            _columns(n, out)
    elif isinstance(node, BoolOp):
        for n in node.items:
            _columns(n, out)
    elif isinstance(node, Not):
        _columns(node.item, out)


def parse_where(text: str, *, source: str = "where") -> Where:
    """Parse a filter (see the module docstring); :class:`UsageError` naming ``source`` when it is not one.

    >>> parse_where("pop >= 1000 AND name IN ('A', 'B')").columns
    ('pop', 'name')
    """
    if not isinstance(text, str):
        raise UsageError(Text("{file}: where = {where} is not a text; write it in quotes", params={"file": str(source), "where": repr(text)}))
    if len(text) > MAX_LENGTH:
        raise UsageError(Text("{file}: the where filter is {n} characters long (at most {max}); shorten it",
                              params={"file": str(source), "n": len(text), "max": MAX_LENGTH}))
    parser = _Parser(text, source)
    tree = parser.parse()
    cols: list[str] = []
    _columns(tree, cols)
    return Where(text, tree, tuple(dict.fromkeys(cols)))


def resolve_columns(where: Where, available: Sequence[str], *, source: str) -> dict[str, str]:
    """Map each column of ``where`` to the layer's own name (exact, else the one differing only in case).

    Raises
    ------
    FieldError
        A column is not in the layer; the message names the file, the column and the layer's columns.
    """
    available = [str(c) for c in available if str(c) != "geometry"]
    lower: dict[str, list[str]] = {}
    for c in available:
        lower.setdefault(c.lower(), []).append(c)
    out = {}
    for name in where.columns:
        if name in available:
            out[name] = name
        elif len(lower.get(name.lower(), [])) == 1:
            out[name] = lower[name.lower()][0]
        else:
            close = difflib.get_close_matches(name, available, n=1)
            params = {"file": str(source), "where": repr(where.text), "column": repr(name), "name": name,
                      "columns": ", ".join(available), "close": repr(close[0]) if close else ""}
            if close:
                message = N_("{file}: where = {where} names the column {column}, which the layer does not have; did you mean "
                             "{close}? the columns are: {columns} (text values go in single quotes: '{name}'; names with "
                             "spaces in double quotes: \"my field\")")
            elif available:
                message = N_("{file}: where = {where} names the column {column}, which the layer does not have; the columns "
                             "are: {columns} (text values go in single quotes: '{name}'; names with spaces in double quotes: "
                             "\"my field\")")
            else:
                message = N_("{file}: where = {where} names the column {column}, but the layer has no attribute columns; "
                             "check the layer")
            raise FieldError(Text(message, params=params))
    return out


# --- the same filter as OGR SQL ------------------------------------------------------------

def _sql(node, names: dict[str, str]) -> str:
    def lit(v) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "1" if v else "0"
        if isinstance(v, float):
            return repr(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
        return "'" + str(v).replace("'", "''") + "'"

    def opd(x) -> str:
        if isinstance(x, Column):
            return '"' + names[x.name].replace('"', '""') + '"'
        return lit(x.value)

    neg = lambda b: "NOT " if b else ""  # noqa: E731
    if isinstance(node, BoolOp):
        return "(" + f" {node.op} ".join(_sql(i, names) for i in node.items) + ")"
    if isinstance(node, Not):
        return f"(NOT {_sql(node.item, names)})"
    if isinstance(node, Compare):
        return f"({opd(node.left)} {'<>' if node.op == '!=' else node.op} {opd(node.right)})"
    if isinstance(node, InList):
        return f"({opd(node.operand)} {neg(node.negate)}IN ({', '.join(lit(v) for v in node.values)}))"
    if isinstance(node, Like):
        return f"({opd(node.operand)} {neg(node.negate)}LIKE {lit(node.pattern)})"
    if isinstance(node, Between):
        return f"({opd(node.operand)} {neg(node.negate)}BETWEEN {opd(node.low)} AND {opd(node.high)})"
    if isinstance(node, IsNull):
        return f"({opd(node.operand)} IS {neg(node.negate)}NULL)"
    return opd(node)


def to_ogr_sql(where: Where, names: dict[str, str]) -> str:
    """The filter as an OGR SQL WHERE clause (columns double-quoted in the layer's spelling, texts single-quoted).

    >>> w = parse_where("Name == 'O''Neil' OR pop BETWEEN 1 AND 2.5")
    >>> print(to_ogr_sql(w, {"Name": "name", "pop": "pop"}))
    (("name" = 'O''Neil') OR ("pop" BETWEEN 1 AND 2.5))
    """
    return _sql(where.tree, names)
