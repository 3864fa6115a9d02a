"""The desktop app (PySide6 + pyqtgraph). Nothing outside this package imports Qt.

The store's models (SQLModel, built on pydantic) are imported here, on the thread that imports
the app, before any worker runs. PySide6's import hook looks at attributes of the modules that
other modules import; when a worker imported pydantic for the first time while the hook, on
another thread, looked at pydantic's half-made module, pydantic's lazy attributes raised a
circular ImportError (seen once in about twelve "Open from Repository" runs). Imported whole
first, pydantic is never half-made while the app runs.
"""
import sqlmodel  # noqa: F401  (see above)

# numpy, which the canvas (lines of large graphs moved and drawn as arrays) and the charts need,
# is imported here for the same reason, and so that its first import (~0.1 s) does not land in the
# GUI thread's first re-layout of a large review (seen as a 200 ms block in bench_ui --imported).
import numpy  # noqa: F401,E402  (see above)
