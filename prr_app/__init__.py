"""PRR Workbench: production readiness reviews of service architectures."""
__version__ = "0.1.0"
APP_NAME = "PRR Workbench"
