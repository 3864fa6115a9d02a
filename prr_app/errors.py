"""The one error type users see.

Every failure caused by what a user gave us (a file, a value, a command line)
is raised as :class:`PrrError`. Any other exception escaping to the user is a
bug. The CLI prints ``str(error)`` on one line and exits with code 2.
"""
from __future__ import annotations


class PrrError(Exception):
    """A problem with the user's input, with where it was found."""

    def __init__(self, message: str, *, file: str | None = None, location: str | None = None,
                 problems=()):
        super().__init__(message)
        self.message = message
        self.file = file
        self.location = location
        #: when the input has several problems, every one of them (each with ``path`` and
        #: ``message``): the one-line message names the first and counts the others
        self.problems = list(problems)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.location) if p]
        parts.append(self.message)
        return ": ".join(_one_line(p) for p in parts)

    def with_file(self, file: str) -> "PrrError":
        """Return this error naming ``file`` (if it does not name one yet)."""
        if self.file is None:
            self.file = file
        return self


class ValidationError(PrrError):
    """A review that breaks the model's rules; ``problems`` lists them all."""

    def __init__(self, problems: list, *, file: str | None = None):
        problems = list(problems)
        first = problems[0]
        more = len(problems) - 1
        msg = first.message + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        super().__init__(msg, file=file, location=first.path, problems=problems)


def _one_line(text: str) -> str:
    from prr_app.text_safety import sanitize

    text = sanitize(str(text).replace("\r", " ").replace("\n", " "), one_line=True)
    return text if len(text) <= 400 else text[:397] + "..."
