"""Connecting to a repository: the URL, credentials, and errors that never show a password.

A repository is named by a SQLAlchemy or libpq URL (``postgresql://user@host:5432/prr``,
``postgresql+psycopg://...``, query parameters such as ``?sslmode=verify-full`` passed on to
libpq). Credentials come from the URL, from libpq's own sources (``PGPASSWORD``,
``PGSERVICE``/``pg_service.conf``, ``~/.pgpass``, client certificates), or, when none of
those gives a password and the ``keyring`` package is installed, from the OS keyring
(service ``prr-workbench``, user ``USER@HOST:PORT/DATABASE``). The app never stores them:
a URL is shown and recorded with its password hidden, and every error message has it removed.
"""
from __future__ import annotations

import os
import re

from prr_app.errors import PrrError

#: The environment variable naming the default repository.
ENV_REPO = "PRR_REPO"
KEYRING_SERVICE = "prr-workbench"

_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}


def repo_url(url: str | None) -> str:
    """The repository URL given, or ``$PRR_REPO``; a clear error when there is neither."""
    url = url or os.environ.get(ENV_REPO, "")
    if not url.strip():
        raise PrrError(f"no repository: pass --repo URL or set {ENV_REPO} (e.g. postgresql://user@host/prr)")
    return url.strip()


def parse_url(url: str):
    """The SQLAlchemy URL for psycopg 3; refuses what is not a PostgreSQL URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        raise PrrError(f"not a repository URL: {safe_url(url)} (expected postgresql://[user@]host[:port]/database)") \
            from None
    if "@" in str(u.host or ""):
        raise PrrError(f"the repository URL's password holds an '@': write it as %40 in the URL "
                       f"({safe_url(url)})")
    if u.drivername not in _SCHEMES:
        raise PrrError(f"not a PostgreSQL URL: {safe_url(url)} (the repository runs on PostgreSQL: postgresql://...)")
    if not u.database and not u.query.get("service") and not os.environ.get("PGSERVICE") \
            and not os.environ.get("PGDATABASE"):
        raise PrrError(f"the repository URL names no database: {safe_url(url)}")
    return u.set(drivername="postgresql+psycopg")


def safe_url(url) -> str:
    """The URL as it may be shown or recorded: without its password."""
    if isinstance(url, str):
        from sqlalchemy.engine import make_url

        try:  # parsed, the password is exactly the URL's own (it may hold ':')
            u = make_url(url)
        except Exception:  # noqa: BLE001 - not a URL: its password places are found in the text
            return scrub(url)
        # a password with an unencoded '@' is read as part of the host: hidden up to the last '@'
        return scrub(url) if "@" in str(u.host or "") else u.render_as_string(hide_password=True)
    return url.render_as_string(hide_password=True)


_CONNINFO_PW = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.I)
# user:password@ in a URL: the password runs to the last '@' before the host (a password may hold '@')
_URL_PW = re.compile(r"(://[^:/@\s]*:)([^\s/]*)(@[^@\s/]*)")


def scrub(text: str, url=None) -> str:
    """``text`` with the password removed from the places that hold one: a URL's ``user:password@``
    and ``password=`` pairs (a conninfo string, a URL's query). Only there: the password is never
    searched for across the text, which would garble the message (a password ``a`` in "database")
    and tell anyone reading it what the password is. ``url`` is accepted for the callers' sake."""
    text = str(text)
    text = _URL_PW.sub(lambda m: m.group(1) + "***" + m.group(3) if m.group(2) else m.group(0), text)
    return _CONNINFO_PW.sub(lambda m: m.group(1) + "***", text)


def _keyring_password(u) -> str | None:
    if u.password or os.environ.get("PGPASSWORD") or u.query.get("service") or os.environ.get("PGSERVICE"):
        return None
    passfile = os.environ.get("PGPASSFILE") or os.path.expanduser("~/.pgpass")
    if os.path.exists(passfile):
        return None
    try:
        import keyring  # optional: pip install keyring
    except ImportError:
        return None
    account = f"{u.username or os.environ.get('PGUSER', '')}@{u.host or 'localhost'}:{u.port or 5432}/{u.database}"
    try:
        return keyring.get_password(KEYRING_SERVICE, account)
    except Exception:  # a keyring backend that is locked or absent: libpq's own sources still apply
        return None


def create_engine(url: str):
    """An engine on the repository (connections made when first needed)."""
    from sqlalchemy import create_engine as _create

    u = parse_url(url)
    pw = _keyring_password(u)
    if pw:
        u = u.set(password=pw)
    args = {"application_name": "prr-workbench"}
    if "connect_timeout" not in u.query:
        args["connect_timeout"] = 10
    engine = _create(u, connect_args=args, pool_pre_ping=True)

    from sqlalchemy import event

    event.listen(engine, "connect", _on_connect)
    return engine


def _json_loads(data):
    """JSON columns as psycopg reads them: orjson (4-5x faster), the standard library for what
    orjson refuses (integers beyond 64 bits)."""
    import json

    import orjson

    if data == b"[]" or data == "[]":
        return []
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _on_connect(dbapi_conn, _record) -> None:
    from psycopg.types.json import set_json_loads

    set_json_loads(_json_loads, dbapi_conn)


#: What the server says when it refuses the login (libpq reports it as a failed connection,
#: without an SQLSTATE): the credentials, or the database the URL names.
_REFUSED_LOGIN = re.compile(r"authentication failed|no password supplied|password is required|pg_hba\.conf|"
                            r"role \"[^\"]*\" does not exist|not permitted to log in|"
                            r"certificate|SCRAM|password authentication", re.I)
_NO_DATABASE = re.compile(r"database \"[^\"]*\" does not exist", re.I)


def database_error(e: BaseException, url=None, *, doing: str = "") -> PrrError:
    """A :class:`PrrError` for a database error, without any password in it.

    It says what kind of failure it is, for the app and the command line: ``unreachable`` (the
    server is away: the app works on a local copy and syncs when it is back), ``refused`` =
    ``"credentials"`` (the server refused the login: wrong password, unknown user, pg_hba) or
    ``"database"`` (no such database). A refused login is never called unreachable: waiting for
    the server does not fix it."""
    orig = getattr(e, "orig", None) or e
    msg = str(orig).strip().splitlines()
    # the PL/pgSQL call stack (CONTEXT) says where in the database's code, not what is wrong
    text = " ".join(line.strip() for line in msg if line.strip()
                    and not line.startswith(("[SQL", "(Background", "CONTEXT:")))
    text = text or type(orig).__name__
    where = safe_url(url) if url is not None else None
    prefix = f"{doing}: " if doing else ""
    state = getattr(orig, "sqlstate", None) or ""
    refused = unreachable = None
    # classified on the server's own words, then the password's places removed from what is said
    if state.startswith("28") or (not state and _REFUSED_LOGIN.search(text) and "FATAL" in text):
        refused = "credentials"
        text = "the repository refused the credentials: " + _fatal(text)
    elif state == "3D000" or (not state and _NO_DATABASE.search(text)):
        refused = "database"
        text = "the repository's database does not exist (check the URL): " + _fatal(text)
    elif state.startswith("08") or state.startswith("57P") or not state and (
            "connection" in text.lower() or "server closed" in text.lower()):
        unreachable = True
        text = "cannot reach the repository: " + text
    err = PrrError(prefix + scrub(text), file=where)
    err.refused = refused
    err.unreachable = bool(unreachable)  # the server is away, not the request wrong: the app works offline
    return err


def _fatal(text: str) -> str:
    """The server's own words in a failed connection's message (after ``FATAL:``), else all of it."""
    head, sep, tail = text.rpartition("FATAL:")
    return " ".join(tail.split()) if sep else text
