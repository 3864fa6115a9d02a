"""``repo:NAME``: a review in the team repository, wherever a command takes a review.

The repository is the one ``PRR_REPO`` names (or the URL given). Opening a review uses the
hook :func:`load_review`; an open review that is written back is a :class:`RepoDocument`
(the same ``review`` / ``save()`` / ``close()`` as a ``.prr`` document). A file whose name
really starts with ``repo:`` is reached as ``./repo:...``.
"""
from __future__ import annotations

import os

from prr_app.model.entities import Review
from prr_app.errors import PrrError

PREFIX = "repo:"


#: Why a review in the repository takes no milestone (refused at the write, and by ``prr milestone add``
#: before it asks who takes it).
MILESTONES_NOT_HERE = ("milestones are kept in .prr files, not in the repository: pull the review to a file "
                       "('prr repo pull') and take the milestone there")


def repository_name(text) -> str | None:
    """The review's name when ``text`` addresses the repository (``repo:NAME``), else None."""
    s = str(text)
    if not s.startswith(PREFIX):
        return None
    name = s[len(PREFIX):]
    if not name:
        raise PrrError("a repository address needs a review name: repo:NAME")
    return name


def load_review(text, *, url: str | None = None) -> Review:
    """The review ``repo:NAME`` names, read from the repository (``url`` or ``$PRR_REPO``)."""
    from prr_app.teamrepo.connection import ENV_REPO, repo_url
    from prr_app.teamrepo.repository import Repository

    name = repository_name(text)
    if name is None:
        raise ValueError(f"not a repository address: {text}")
    if not (url or os.environ.get(ENV_REPO, "")).strip():  # a command without --repo: only the variable can say
        raise PrrError(f"{text} names a review in the team repository: set {ENV_REPO} to its URL "
                       "(e.g. postgresql://user@host/prr)")
    with Repository(repo_url(url)) as repo:
        return repo.pull(name).review


class RepoDocument:
    """A review open from the repository: edit ``review``, then :meth:`save` merges the edits
    into what the repository holds (raising :class:`~prr_app.teamrepo.repository.ConflictError`
    on a field changed by both sides) and ``review`` becomes the merged review."""

    def __init__(self, repo, pulled):
        self.repo = repo
        self.name = pulled.name
        self.version = pulled.version
        self.review = pulled.review
        self.merged_by: list[str] = []  # who made the others' changes the last save merged in
        self.warnings: list[str] = []  # what the last save could not do (Pushed.warnings)

    @property
    def path(self) -> str:
        return PREFIX + self.name

    @classmethod
    def open(cls, text, *, url: str | None = None) -> "RepoDocument":
        from prr_app.teamrepo.connection import repo_url
        from prr_app.teamrepo.repository import Repository

        name = repository_name(text)
        if name is None:
            raise ValueError(f"not a repository address: {text}")
        repo = Repository(repo_url(url))
        try:
            return cls(repo, repo.pull(name))
        except BaseException:
            repo.close()
            raise

    def save(self, *, pick: dict | None = None) -> int:
        """Merge the edits into the repository; ``review`` becomes the merged review. The edits
        are taken relative to the version ``review`` says it came from (its origin record, as
        :func:`load_review` gives it), else to the version opened. ``pick`` settles conflicts
        (see :meth:`~prr_app.teamrepo.repository.Repository.push`)."""
        from prr_app.teamrepo.repository import origin

        if self.review.milestones:
            raise PrrError(MILESTONES_NOT_HERE, file=self.path)
        came_from = origin(self.review)
        base = came_from[1] if came_from and came_from[0] == self.name else self.version
        pushed = self.repo.push(self.review, name=self.name, base=base, pick=pick)
        self.version, self.review, self.merged_by = pushed.version, pushed.review, pushed.by
        self.warnings = list(pushed.warnings)
        return pushed.written

    def close(self) -> None:
        self.repo.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
