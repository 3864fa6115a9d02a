"""Every third-party module the app imports is a declared runtime dependency.

A module that only happens to be installed (by a test tool, or pulled in by
another package) works in .venv but is missing from a regular install and
from the packaged bundle: this caught platformdirs and jsonschema.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "prr_app"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {_norm(re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0]) for req in meta["project"]["dependencies"]}


def _third_party_imports():
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for n in names:
                top = n.split(".")[0]
                if top != "prr_app" and top not in sys.stdlib_module_names:
                    yield f"prr_app/{path.relative_to(PKG)}:{node.lineno}", top


def test_every_imported_third_party_module_is_a_declared_dependency():
    declared = _declared()
    dists = packages_distributions()
    missing = []
    for where, mod in _third_party_imports():
        providers = {_norm(d) for d in dists.get(mod, [])}
        # PySide6-Essentials provides PySide6 and shiboken6 (through its requirement)
        if mod == "shiboken6":
            providers.add("pyside6-essentials")
        if not providers & declared:
            missing.append(f"{where}: {mod} (from {sorted(providers) or 'nothing installed'})")
    assert missing == [], "undeclared runtime dependencies:\n" + "\n".join(missing)
