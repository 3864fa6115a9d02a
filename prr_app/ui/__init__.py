"""The desktop app (PySide6 + pyqtgraph). Nothing outside this package imports Qt.

The store's models (SQLModel, built on pydantic) are imported here, on the thread that imports
the app, before any worker runs. PySide6's import hook looks at attributes of the modules that
other modules import; when a worker imported pydantic for the first time while the hook, on
another thread, looked at pydantic's half-made module, pydantic's lazy attributes raised a
circular ImportError (seen once in about twelve "Open from Repository" runs). Imported whole
first, pydantic is never half-made while the app runs.
"""
import sqlmodel  # noqa: F401  (see above)
