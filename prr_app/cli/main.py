"""The ``prr`` command line: headless access to everything the app does.

Exit codes: 0 success, 1 a gate or check that did not pass, 2 bad input or
usage (one line on stderr naming the file and the problem; ``--debug`` shows
the traceback).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import traceback

from prr_app import __version__
from prr_app.errors import PrrError

#: Modules that add sub-commands; each has ``register(subparsers)``.
COMMAND_MODULES = [
    "prr_app.cli.core_commands",
    "prr_app.cli.analyze_commands",
    "prr_app.cli.checklist_commands",
    "prr_app.cli.report_commands",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prr",
        description="PRR Workbench on the command line: import, analyze, export and gate production readiness reviews.",
    )
    parser.add_argument("--version", action="version", version=f"prr {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is None:
            continue  # that part of the product is not there yet
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except PrrError as e:
        if args.debug:
            traceback.print_exc()
        print(f"prr: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("prr: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: still one line, unless --debug
        if args.debug:
            traceback.print_exc()
        print(f"prr: internal error: {type(e).__name__}: {e} (run with --debug for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
