"""The core runs without Qt: only prr_app/ui may import PySide6, shiboken6 or pyqtgraph."""
import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "prr_app"
QT_MODULES = {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]


def test_no_qt_outside_ui():
    offenders = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "ui":
            continue
        for line, mod in _imports(path):
            if mod in QT_MODULES:
                offenders.append(f"prr_app/{rel}:{line} imports {mod}")
    assert offenders == []


def test_core_and_cli_import_without_qt():
    # Import every core package and build the CLI parser in a fresh interpreter,
    # then check no Qt module got loaded along the way.
    code = (
        "import sys, importlib, pkgutil, prr_app\n"
        "for m in pkgutil.walk_packages(prr_app.__path__, 'prr_app.'):\n"
        "    if not m.name.startswith('prr_app.ui') and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "from prr_app.cli.main import build_parser; build_parser()\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in %r)\n"
        "print(bad); sys.exit(1 if bad else 0)\n" % (QT_MODULES,)
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
