"""Entry point of the frozen command line (prr)."""
from prr_app.cli.main import entry

if __name__ == "__main__":
    entry()
