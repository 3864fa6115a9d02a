"""The app imports pydantic (through SQLModel) whole, before any worker thread can (prr_app/ui/__init__.py)."""
from __future__ import annotations

import subprocess
import sys


def test_importing_the_app_imports_the_store_models_first():
    code = ("import sys; import prr_app.ui; "
            "assert 'sqlmodel' in sys.modules and 'pydantic' in sys.modules; "
            "assert not getattr(sys.modules['pydantic'].__spec__, '_initializing', False); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
