"""Entry point of the frozen desktop app (prr-workbench)."""
import sys

from prr_app.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
