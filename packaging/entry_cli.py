"""Entry point of the frozen command line (prr)."""
import sys

from prr_app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
