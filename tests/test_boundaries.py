"""The architecture as rules: seven wings, one door each, imports that run one way.

Read from the source with ``ast`` (nothing is imported), so a rule broken anywhere in ``indexer/`` or
``webapp/`` fails here with the file and line.  docs/architecture.md explains the rules.
"""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDEXER = ROOT / "indexer"

# Which wings each wing may import (besides the shared base modules).  The order is the direction of
# every import: a wing never imports one to its right.
WINGS = ("analysis", "corpus", "index", "search", "qa", "office", "review")
ALLOWED = {
    "analysis": set(),
    "corpus": {"analysis"},
    "index": {"analysis", "corpus"},
    "search": {"analysis", "corpus", "index"},
    "qa": {"analysis", "corpus", "index", "search"},
    "office": {"analysis", "corpus", "index"},
    "review": {"analysis", "corpus", "office"},  # the knowledge base's search reaches it through kb
}
BASE = {"errors", "models", "fileio", "settings"}  # shared by every wing; import no wing
TOP = {"__init__", "kb", "cli", "cli_common", "cli_eval", "cli_import", "clichinese", "evaluate", "questionlist",
       "asking", "params", "sidefiles", "tablepreview"}  # assemble the wings; imported by no wing

# Third-party fences: who may import which library.
FENCES = {
    "jieba": {"analysis"},
    "rjieba": {"analysis"},
    "whoosh": {"analysis", "index", "search", "qa"},
}
MAX_LINES = 400
SITE_ADDRESS = "/documents/"  # the site's addresses are built in webapp/links.py only

# The office is handed its collaborators: only these files build these objects.
CONSTRUCTORS = {"Workspace": "indexer/kb.py", "WordTables": "indexer/office/workspace.py"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(path: Path):
    """Yield (node, absolute module, imported names, at module level) for every import in path."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = _module_name(path)
    package = module if _is_package(path) else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    # Imports under a module-level ``if``/``try`` are still module level.
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)):
            for child in ast.walk(node):
                top_level.add(id(child))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, [], id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node, target, [a.name for a in node.names], id(node) in top_level


def _wing(module: str) -> str | None:
    """'indexer.search.run' -> 'search'; base and top modules -> their own name."""
    parts = module.split(".")
    if parts[0] != "indexer":
        return None
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _first_party_targets(target: str, names: list[str]) -> list[str]:
    """The indexer modules an import reaches: ``from indexer.search import run`` reaches the module
    ``indexer.search.run`` when that file exists, else the package ``indexer.search``."""
    if not target.startswith("indexer"):
        return []
    found = []
    for name in names or [""]:
        candidate = f"{target}.{name}" if name else target
        path = ROOT / Path(*candidate.split("."))
        if name and (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
            found.append(candidate)
        else:
            found.append(target)
    return found


def violations() -> list[str]:
    problems = []
    for path in _sources(INDEXER):
        rel = path.relative_to(ROOT)
        own = _wing(_module_name(path))
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_LINES})")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SITE_ADDRESS in node.value:
                problems.append(f"{rel}:{node.lineno}: spells the site address {SITE_ADDRESS} (webapp/links.py does)")
        for node, target, names, at_top in _imports(path):
            where = f"{rel}:{node.lineno}"
            library = target.split(".")[0]
            if library in FENCES and own not in FENCES[library]:
                problems.append(f"{where}: {own} may not import {library}")
            if library == "whoosh" and any(n.startswith("_") for n in names) and own != "index":
                problems.append(f"{where}: whoosh's private names belong in indexer.index")
            if not target.startswith("indexer"):
                continue
            if not at_top:
                problems.append(f"{where}: function-level import of {target}")
            for reached in _first_party_targets(target, names):
                other = _wing(reached)
                if other == own:
                    continue
                if own in BASE and other not in BASE:
                    problems.append(f"{where}: base module imports {reached}")
                elif own in WINGS:
                    if other in TOP:
                        problems.append(f"{where}: the {own} wing imports {reached}")
                    elif other in WINGS and other not in ALLOWED[own]:
                        problems.append(f"{where}: the {own} wing may not import the {other} wing")
                    elif other in WINGS and reached != f"indexer.{other}":
                        problems.append(f"{where}: {reached} is behind the door of indexer.{other}")
                elif own in TOP and other in WINGS and reached != f"indexer.{other}":
                    problems.append(f"{where}: {reached} is behind the door of indexer.{other}")
            if isinstance(node, ast.ImportFrom) and node.level and node.module is not None:
                private = [n for n in names if n.startswith("_")]
                if private:
                    problems.append(f"{where}: imports private {', '.join(private)} from {target}")
    for path in _sources(ROOT / "webapp"):
        rel = path.relative_to(ROOT)
        for node, target, names, at_top in _imports(path):
            library = target.split(".")[0]
            if library in ("whoosh", "jieba", "rjieba"):
                problems.append(f"{rel}:{node.lineno}: the site may not import {library}")
            if target.startswith("indexer") and target != "indexer":
                problems.append(f"{rel}:{node.lineno}: the site imports {target}; use `from indexer import …`")
    for path in _sources(INDEXER) + _sources(ROOT / "webapp"):
        rel = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in CONSTRUCTORS and rel.as_posix() != CONSTRUCTORS[name]:
                    problems.append(f"{rel}:{node.lineno}: only {CONSTRUCTORS[name]} builds {name}")
    return problems


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in _sources(INDEXER):
        module = _module_name(path)
        edges = graph.setdefault(module, set())
        for node, target, names, at_top in _imports(path):
            edges.update(t for t in _first_party_targets(target, names) if t != module)
    return graph


def cycles() -> list[list[str]]:
    graph, found, state = _graph(), [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    # A package's door importing its own modules is not a cycle unless a module imports back the door.
    return [c for c in found if not all(a.startswith(b + ".") or b.startswith(a + ".")
                                        for a, b in zip(c, c[1:]))]


def test_every_wing_has_its_door():
    for wing in WINGS:
        assert (INDEXER / wing / "__init__.py").is_file(), wing


# Debts left by the move (issue 12), listed so that no new one can slip in: a rule broken anywhere
# else fails the test, and each entry fixed must be struck from this list (the test says which).
# Mostly cross-wing imports that still reach past a wing's door, function-level imports, and the
# files still over 400 lines.
KNOWN_DEBTS: set[str] = set()  # every debt of the move is paid: a new break fails at once
KNOWN_CYCLES: list[list[str]] = []


def _without_lines(problems: list[str]) -> set[str]:
    return {re.sub(r":\d+:", ":", p) for p in problems}


def test_imports_follow_the_wings():
    found = _without_lines(violations())
    assert sorted(found - KNOWN_DEBTS) == [], "new rule breaks"
    assert sorted(KNOWN_DEBTS - found) == [], "fixed: strike these from KNOWN_DEBTS"


def test_no_import_cycle():
    assert cycles() == KNOWN_CYCLES


@pytest.mark.parametrize("rule, source, expected", [
    ("wing order", ("indexer/corpus/reader.py", "from ..search import QueryCompiler\n"),
     "the corpus wing may not import the search wing"),
    ("door", ("indexer/qa/sentences.py", "from ..search.run import run_search\n"),
     "behind the door of indexer.search"),
    ("private", ("indexer/search/run.py", "from .ranking import _cache\n"), "imports private _cache"),
    ("jieba fence", ("indexer/search/run.py", "import jieba\n"), "search may not import jieba"),
    ("function level", ("indexer/search/run.py", "def f():\n    from .ranking import rank\n"),
     "function-level import"),
    ("site", ("webapp/api.py", "from indexer.kb import KnowledgeBase\n"), "the site imports indexer.kb"),
    ("constructor", ("webapp/office.py", "workspace = Workspace(kb, 'var')\n"), "only indexer/kb.py builds Workspace"),
    ("address", ("indexer/models.py", "URL = f\"/documents/{1}\"\n"), "spells the site address"),
])
def test_each_rule_catches_a_break(rule, source, expected, monkeypatch, tmp_path):
    """Every rule fails on a deliberate break (the source is appended to a real file in a copy)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "indexer", copy / "indexer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "webapp", copy / "webapp", ignore=shutil.ignore_patterns("__pycache__", "static"))
    name, text = source
    with open(copy / name, "a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    monkeypatch.setitem(globals(), "ROOT", copy)
    monkeypatch.setitem(globals(), "INDEXER", copy / "indexer")
    found = _without_lines(violations()) - KNOWN_DEBTS
    assert any(expected in problem and name in problem for problem in found), found
