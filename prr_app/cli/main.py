"""The ``prr`` command line: headless access to everything the app does.

Exit codes: 0 success, 1 a gate or check that did not pass, 2 bad input or
usage (one line on stderr naming the file and the problem; ``--debug`` shows
the traceback).

Start-up is kept short: ``prr --version`` and ``prr --help`` import no command
module, and a sub-command imports only the module that defines it (see
:data:`COMMANDS`); heavy libraries (SQLAlchemy, reportlab, networkx, YAML...)
are imported by the code that uses them. docs/performance.md, "Command-line
start-up", has the figures.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import importlib.util
import os
import sys

from prr_app import __version__
from prr_app.errors import PrrError

#: Every sub-command: (name, module defining it with ``register(subparsers)``,
#: one-line help shown by ``prr --help``). Listing them here lets ``prr --help``
#: show them all without importing any command module. tests/test_cli.py checks
#: that this table says exactly what the modules register; a command a module
#: adds without a row here still works (every module is then imported).
COMMANDS: list[tuple[str, str, str]] = [
    ("import", "prr_app.cli.core_commands",
     "build a review from files (Kubernetes, Compose, Backstage, traces, Kiali, DOT, DSL, Aspire, CSV, JSON)"),
    ("export", "prr_app.cli.core_commands", "write a review in another format"),
    ("validate", "prr_app.cli.core_commands", "check a review file and report every problem"),
    ("summary", "prr_app.cli.core_commands", "counts of components, dependencies, domains, journeys, risks"),
    ("evidence", "prr_app.cli.core_commands",
     "where a component or dependency comes from: the files and lines an import read"),
    ("analyze", "prr_app.cli.analyze_commands",
     "SPOFs, blast radius, failure domains, availability, risks and the verdict"),
    ("checklist", "prr_app.cli.checklist_commands",
     "checklist progress: scores by category, open blockers, next items"),
    ("checklist-templates", "prr_app.cli.checklist_commands",
     "list the checklist templates with version and item count"),
    ("checklist-answer", "prr_app.cli.checklist_commands", "answer one checklist item of a review"),
    ("checklist-use", "prr_app.cli.checklist_commands",
     "switch a review to another checklist template or version"),
    ("checklist-carry", "prr_app.cli.checklist_commands",
     "switch a review to another template, carrying answers over (launch -> operational)"),
    ("checklist-import", "prr_app.cli.checklist_commands",
     "import a team's checklist (Markdown task list or template file)"),
    ("checklist-confirm", "prr_app.cli.checklist_commands",
     "confirm (or reject) answers proposed from imported evidence"),
    ("checklist-export", "prr_app.cli.checklist_commands", "export checklist items and answers to CSV"),
    ("set", "prr_app.cli.model_commands",
     "change fields of a component, dependency, group, domain, journey or the review"),
    ("add", "prr_app.cli.model_commands", "add a component, dependency, group, domain or journey"),
    ("delete", "prr_app.cli.model_commands", "delete components, dependencies, groups, domains or journeys"),
    ("risk", "prr_app.cli.risk_commands",
     "the risk register, and decisions on it: accept, reopen, owner, mitigate, mitigation, override, blocking, add"),
    ("report", "prr_app.cli.report_commands", "write the Reliability Risk Assessment (PDF, Markdown, CSV)"),
    ("gate", "prr_app.cli.report_commands", "pass or fail a review in CI (exit 0 pass, 1 fail, 2 bad input)"),
    ("repo", "prr_app.cli.repo_commands", "the team repository on PostgreSQL: init, push, pull, list, history, sign-off"),
    ("diff", "prr_app.cli.diff_commands", "what changed between two reviews or milestones (model, SPOFs, risks, verdict)"),
    ("milestone", "prr_app.cli.diff_commands",
     "take or list named, dated snapshots of a review (design review, pre-launch...)"),
    ("plan", "prr_app.cli.diff_commands",
     "what a mitigation plan would change: residual risks, SLOs and verdict if it lands"),
]

#: Modules that add sub-commands, in the order of ``prr --help``.
COMMAND_MODULES = list(dict.fromkeys(module for _, module, _ in COMMANDS))

_ALL = object()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _register_module(sub, name: str) -> bool:
    if importlib.util.find_spec(name) is None:
        return False  # that part of the product is not there yet
    importlib.import_module(name).register(sub)
    return True


def build_parser(command=_ALL) -> argparse.ArgumentParser:
    """The ``prr`` parser.

    With no argument every command module is imported and registers its
    commands in full. With ``command`` (a sub-command name, or None for none)
    only the module defining that command is imported; the other commands are
    listed from :data:`COMMANDS` (name and help), enough for ``prr --help`` and
    for an "invalid choice" message.
    """
    parser = _Parser(
        prog="prr",
        description="PRR Workbench on the command line: import, analyze, export and gate production readiness reviews.",
    )
    parser.add_argument("--version", action="version", version=f"prr {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    known = {name: module for name, module, _ in COMMANDS}
    if command is not _ALL and command is not None and command not in known:
        command = _ALL  # not in the table: maybe a module added it; ask them all
    if command is _ALL:
        for name in COMMAND_MODULES:
            _register_module(sub, name)
        return parser
    wanted = known.get(command)
    done = False
    for name, module, help_ in COMMANDS:
        if module == wanted:
            if not done:
                done = True
                if _register_module(sub, module):
                    continue
            else:
                continue
        sub.add_parser(name, help=help_, add_help=False)  # listed, not loaded
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The sub-command named on the command line (the first word that is not an option)."""
    for a in argv:
        if a == "--":
            return None
        if not a.startswith("-"):
            return a
    return None


def main(argv: list[str] | None = None) -> int:
    return _run(sys.argv[1:] if argv is None else argv)


def _run(argv: list[str]) -> int:
    global _stdout_reported
    _stdout_reported = False  # one run, one report (tests run many in one process)
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except PrrError as e:
        if args.debug:
            import traceback

            traceback.print_exc()
        print(f"prr: {e}", file=sys.stderr)
        for line in getattr(e, "details", ()):  # e.g. each conflict with the team repository
            print(f"  {line}", file=sys.stderr)
        return getattr(e, "exit_code", 2)
    except KeyboardInterrupt:
        print("prr: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: still one line, unless --debug
        if _stdout_failed(e):  # not a bug: the disk behind stdout is full (`prr export -o - >/dev/full`)
            _report_stdout(e)
            return 2
        if args.debug:
            import traceback

            traceback.print_exc()
        print(f"prr: internal error: {type(e).__name__}: {e} (run with --debug for details)", file=sys.stderr)
        return 3


#: errno values of a write that failed for want of room or a device error (not a closed pipe)
_WRITE_FAILED = {getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EFBIG", "EIO") if hasattr(errno, n)}
_stdout_reported = False


def _stdout_failed(e: BaseException) -> bool:
    """Whether ``e`` is a failed write to standard output. Every file a user names is written through
    ``prr_app.paths`` (its errors are PrrErrors naming the file), and an OSError of an open file names
    it (``filename``): one without a file name is a stream's, stdout's or stderr's."""
    return isinstance(e, OSError) and not isinstance(e, BrokenPipeError) and e.filename is None \
        and e.errno in _WRITE_FAILED


def _report_stdout(e: OSError) -> None:
    """The one line for output that could not be written (exit 2): nothing on stdout is kept."""
    global _stdout_reported
    if _stdout_reported:
        return
    _stdout_reported = True
    try:
        print(f"prr: standard output: cannot write: {e.strerror or e}", file=sys.stderr)
    except OSError:  # stderr is gone too: the exit code says it
        pass


def entry() -> None:
    """The ``prr`` program: :func:`main`, exiting with its code."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left: what it read is all it wanted
        pass
    except OSError as e:  # what was printed last is not written (a full disk): not a success
        _report_stdout(e)
        code = 2 if code in (0, 1) else code
    if _stdout_reported:
        # the interpreter flushes stdout again on exit: let it write what is left nowhere instead of
        # printing a second error
        try:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, sys.stdout.fileno())
            os.close(fd)
        except (OSError, ValueError):
            pass
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
