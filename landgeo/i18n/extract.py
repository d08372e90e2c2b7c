"""Babel extractor for landgeo's lookup ``t("text")``, ``t("one", "many", n=n)``, ``N_("text")``, ``Text(...)``.

Babel's own Python extractor counts keyword arguments as positional ones, so it cannot
tell ``t("{n} hole", "{n} holes", n=n)`` from ``t("{a} of {b}", a=x, b=y)``. This one reads
the syntax tree (and, in ``landgeo/cli/``, the ``--help`` texts: :func:`help_texts_in_source`): the first positional argument is the message, a second positional string
is its plural, ``context="..."`` its gettext context. Configured in ``pyproject.toml``
(``[tool.babel]``) and run by ``pybabel extract -F pyproject.toml``.
"""

from __future__ import annotations

import ast
import inspect
import logging
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: Names of the callables whose calls hold messages: the lookup ``t``, the marker ``N_``
#: and :class:`landgeo.i18n.Text` (a message kept as data).
LOOKUP_NAMES = ("t", "N_", "Text")
#: Functions that return a lookup, called in place: ``translator(lang)("text")``, ``_t(lang)("text")``.
TRANSLATOR_NAMES = ("translator", "_t")


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(node: ast.AST) -> str | None:
    """``t``, ``N_`` or ``Text`` for a call of one of them (``translator(lang)(...)``, ``_t(lang)(...)`` count as ``t``)."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id in LOOKUP_NAMES:
        return func.id
    if isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id in TRANSLATOR_NAMES:
        return "t"
    return None


def messages_in_source(source: str, filename: str = "<source>") -> Iterator[tuple[int, str | None, str, str | None]]:
    """``(line, context, message, plural)`` for every lookup call in ``source``.

    A call whose message is not a literal string (an f-string, a variable) cannot be
    extracted: it is logged and skipped.

    >>> list(messages_in_source('t("Area"); t("{n} hole", "{n} holes", n=k); t("N", context="compass")'))
    [(1, None, 'Area', None), (1, None, '{n} hole', '{n} holes'), (1, 'compass', 'N', None)]
    >>> list(messages_in_source('translator("fr")("Legend"); Text("No holes."); t(f"{x}")'))
    [(1, None, 'Legend', None), (1, None, 'No holes.', None)]
    """
    for node in ast.walk(ast.parse(source, filename)):
        name = _callee(node)
        if name is None or not node.args:
            continue
        message = _literal(node.args[0])
        if message is None:
            if name == "t":  # Text(variable) and N_(variable) hold messages marked elsewhere
                log.warning("%s:%d: t() with a message that is not a literal string; not extracted", filename, node.lineno)
            continue
        plural = _literal(node.args[1]) if len(node.args) > 1 else None
        context = next((_literal(k.value) for k in node.keywords if k.arg == "context"), None)
        yield node.lineno, context, message, plural


def _is_command(node: ast.AST) -> bool:
    """A function decorated as a click command or group (``@click.command(...)``, ``@basins.command("build")``)."""
    for deco in getattr(node, "decorator_list", []):
        func = deco.func if isinstance(deco, ast.Call) else deco
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("command", "group"):
            return True
    return False


def help_texts_in_source(source: str, filename: str = "<source>") -> Iterator[tuple[int, str | None, str, None]]:
    """``(line, None, text, None)`` for the ``--help`` texts of a command-line module: every literal
    ``help="…"`` argument, the help given first to a shared ``*_option(…)``, a ``help`` parameter's literal
    default, and the docstrings of click commands
    (cleaned as click shows them, up to a form feed).

    >>> src = 'import click\\n@click.command()\\n@click.option("--x", help="The x.")\\ndef f(x):\\n    "Do f."\\n'
    >>> sorted(m[2] for m in help_texts_in_source(src))
    ['Do f.', 'The x.']
    """
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            for k in node.keywords:
                text = _literal(k.value) if k.arg == "help" else None
                if text:
                    yield k.value.lineno, None, inspect.cleandoc(text), None
            name = getattr(node.func, "id", "")
            text = _literal(node.args[0]) if name.endswith("_option") and node.args else None
            if text and " " in text:  # a shared option's help given first: json_option("Print JSON.")
                yield node.lineno, None, inspect.cleandoc(text), None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for arg, default in pairs:
                text = _literal(default) if arg.arg == "help" else None
                if text:
                    yield default.lineno, None, inspect.cleandoc(text), None
            doc = ast.get_docstring(node, clean=True)
            if doc and _is_command(node):
                text = doc.partition("\f")[0].strip()
                if text:
                    yield node.lineno, None, text, None


def extract_landgeo(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """The Babel extraction method (see :func:`babel.messages.extract.extract`)."""
    encoding = options.get("encoding", "utf-8")
    source = fileobj.read().decode(encoding)
    name = getattr(fileobj, "name", "<source>")
    found = list(messages_in_source(source, name))
    if "cli" in Path(str(name)).parts:  # the command line's --help texts (landgeo.cli.help looks them up)
        found += list(help_texts_in_source(source, name))
    for line, context, message, plural in sorted(found, key=lambda m: m[0]):
        if context is not None and plural is not None:
            yield line, "npgettext", (context, message, plural), []
        elif context is not None:
            yield line, "pgettext", (context, message), []
        elif plural is not None:
            yield line, "ngettext", (message, plural), []
        else:
            yield line, "gettext", (message,), []
