"""Structure metrics of the landgeo package, read from the syntax tree (nothing is imported or run).

    python scripts/package_metrics.py                      # this tree's landgeo/
    python scripts/package_metrics.py --before OLD_TREE    # a before/after table (Markdown)
    python scripts/package_metrics.py --list               # also name the long functions, big modules, cycles

It counts: modules (``.py`` files), the largest module and the modules over 400 lines,
functions over 80 lines (and how many of them give their reason: a comment ``# long: ...``
among the first lines of the body), imports inside functions (and how many say why: a
comment naming an optional dependency or a slow start-up on the import's line or the line
above), and import cycles: strongly connected groups of two or more modules in the graph of
every import between landgeo modules, those inside functions included (only imports under
``if TYPE_CHECKING:`` are left out).

To measure an old commit: ``git archive d5daa51 | tar -x -C /tmp/old`` and pass ``--before /tmp/old``.
Never imported by the package.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "landgeo"
BIG_MODULE = 400
LONG_FUNCTION = 80
#: words that, in a comment on an import's line or the line above, say why the import is inside a function
IMPORT_REASONS = ("optional", "slow start-up", "slow startup", "start-up")


@dataclass
class Metrics:
    modules: int = 0
    lines: dict[str, int] = field(default_factory=dict)
    long_functions: list[tuple[str, int, bool]] = field(default_factory=list)  # (module:function, lines, has reason)
    inner_imports: list[tuple[str, int, bool]] = field(default_factory=list)  # (module, line, has reason)
    cycles: list[list[str]] = field(default_factory=list)

    @property
    def largest(self) -> tuple[str, int]:
        return max(self.lines.items(), key=lambda kv: kv[1])


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """``(node, inside_a_function)`` for every import, except those under ``if TYPE_CHECKING:``."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    yield from walk(sub, in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            yield from walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))
    yield from walk(tree, False)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The landgeo modules an import statement loads (a name that is a submodule counts as that module)."""
    if isinstance(node, ast.Import):
        bases = [a.name for a in node.names]
        return {b for b in (_longest_known(b, known) for b in bases) if b}
    if node.level:
        here = module.split(".") if is_package else module.split(".")[:-1]
        up = here[: len(here) - (node.level - 1)] if node.level > 1 else here
        base = ".".join(up + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    out = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        hit = sub if sub in known else _longest_known(base, known)
        if hit:
            out.add(hit)
    return out


def _longest_known(name: str, known: set[str]) -> str | None:
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def _has_reason(lines: list[str], lineno: int) -> bool:
    """A reason comment on the import's line, on an import just above it (one comment may cover a block), or on the line above."""
    i = lineno - 1
    while True:
        line = lines[i] if 0 <= i < len(lines) else ""
        if "#" in line and any(word in line.lower() for word in IMPORT_REASONS):
            return True
        i -= 1
        above = lines[i].strip() if i >= 0 else ""
        if not above.startswith(("from ", "import ", "#")):
            return False


def _long_reason(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    first = fn.body[0].lineno
    if isinstance(fn.body[0], ast.Expr) and isinstance(getattr(fn.body[0], "value", None), ast.Constant):
        first = fn.body[0].end_lineno + 1  # after the docstring
    head = lines[fn.lineno - 1: first + 2]
    return any("# long:" in line for line in head)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return sorted(found)


def measure(tree_root: Path) -> Metrics:
    """The metrics of ``tree_root/landgeo``."""
    root = tree_root
    files = sorted(p for p in (root / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts)
    names = {_module_name(root, p): p for p in files}
    known = set(names)
    m = Metrics(modules=len(files))
    graph: dict[str, set[str]] = {n: set() for n in names}
    for name, path in names.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        m.lines[name] = len(lines)
        tree = ast.parse(source, str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > LONG_FUNCTION:
                    m.long_functions.append((f"{name}:{node.name}", length, _long_reason(lines, node)))
        for node, inner in _imports(tree):
            if inner:
                m.inner_imports.append((name, node.lineno, _has_reason(lines, node.lineno)))
            graph[name] |= _targets(node, name, path.name == "__init__.py", known) - {name}
    m.cycles = _cycles(graph)
    return m


def rows(m: Metrics) -> list[tuple[str, str]]:
    largest, size = m.largest
    big = sum(n > BIG_MODULE for n in m.lines.values())
    unexplained_long = sum(not r for *_, r in m.long_functions)
    unexplained_imports = sum(not r for *_, r in m.inner_imports)
    return [
        ("modules (.py files in landgeo/)", str(m.modules)),
        ("largest module", f"{largest} ({size:,} lines)"),
        (f"modules over {BIG_MODULE} lines", str(big)),
        (f"functions over {LONG_FUNCTION} lines (without a `# long:` reason)", f"{len(m.long_functions)} ({unexplained_long})"),
        ("imports inside functions (without a reason comment)", f"{len(m.inner_imports)} ({unexplained_imports})"),
        ("files with imports inside functions", str(len({n for n, *_ in m.inner_imports}))),
        ("import cycles (groups of modules)", f"{len(m.cycles)} ({sum(map(len, m.cycles))} modules)"),
    ]


def details(m: Metrics) -> str:
    out = [f"modules over {BIG_MODULE} lines:"]
    out += [f"  {n}: {k}" for n, k in sorted(m.lines.items(), key=lambda kv: -kv[1]) if k > BIG_MODULE]
    out.append(f"functions over {LONG_FUNCTION} lines:")
    out += [f"  {f}: {k}{'' if r else '  (no reason)'}" for f, k, r in sorted(m.long_functions, key=lambda x: -x[1])]
    out.append("imports inside functions without a reason:")
    out += [f"  {n}:{line}" for n, line, r in m.inner_imports if not r]
    out.append("import cycles:")
    out += [f"  {' <-> '.join(c)}" for c in m.cycles]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, default=Path(__file__).resolve().parents[1], help="the tree holding landgeo/ (default: this one)")
    parser.add_argument("--before", type=Path, default=None, help="an older tree: print a before/after table")
    parser.add_argument("--list", action="store_true", help="also list the long functions, big modules, unexplained imports and cycles")
    args = parser.parse_args(argv)
    after = measure(args.tree)
    if args.before is not None:
        before = measure(args.before)
        print("| measure | before | after |\n|---|---|---|")
        for (label, b), (_, a) in zip(rows(before), rows(after)):
            print(f"| {label} | {b} | {a} |")
    else:
        print("| measure | value |\n|---|---|")
        for label, value in rows(after):
            print(f"| {label} | {value} |")
    if args.list:
        print()
        print(details(after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
