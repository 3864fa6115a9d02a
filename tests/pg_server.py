"""A throwaway PostgreSQL server for the team-repository tests.

``initdb`` in a temporary folder, ``pg_ctl start`` on a free TCP port on 127.0.0.1 with its
Unix socket in the same folder, ``pg_ctl stop`` at the end. ``initdb`` refuses to run as
root, so as root the server runs as the unprivileged ``postgres`` user (Debian's package
creates it) or, without one, as a ``prr-pgtest`` system user made for the purpose.

The superuser ``prr_admin`` (password ``admin-secret``) connects through the socket without
a password and over TCP with SCRAM; other roles made by the tests log in over TCP.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

ADMIN, ADMIN_PASSWORD = "prr_admin", "admin-secret"


def find_bin_dir() -> str | None:
    """The folder with initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return os.path.dirname(os.path.realpath(found))
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    return os.path.dirname(cands[0]) if cands else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "prr-pgtest"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "prr-pgtest"],
                   check=True)
    return "prr-pgtest"


class PgServer:
    def __init__(self, bin_dir: str):
        self.bin = bin_dir
        self.user = _server_user()
        self.dir = tempfile.mkdtemp(prefix="prr-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.log = os.path.join(self.dir, "server.log")
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)  # the socket must be reachable by the tests' user

    def _run(self, *cmd, check=True, input=None):
        full = [os.path.join(self.bin, cmd[0]), *cmd[1:]]
        if self.user:
            full = ["runuser", "-u", self.user, "--", *full]
        return subprocess.run(full, check=check, capture_output=True, text=True, input=input, cwd=self.dir)

    def init(self) -> None:
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as fh:
            fh.write(ADMIN_PASSWORD + "\n")
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", self.data, "-U", ADMIN, "--pwfile", pwfile, "-A", "scram-sha-256",
                  "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        os.unlink(pwfile)

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c max_connections=60 -c shared_buffers=32MB")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.log, "-o", opts)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-D", self.data, "-m", mode, check=False)

    def kill(self) -> None:
        """Stop the server as a crash would (SIGKILL-like: immediate shutdown, no checkpoint)."""
        self.stop("immediate")

    def restart(self) -> None:
        self.start()

    def socket_url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@/{database}?host={self.dir}&port={self.port}"

    def tcp_url(self, database: str, user: str, password: str) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str, user: str = ADMIN, check=True):
        return subprocess.run(
            [os.path.join(self.bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir, "-p",
             str(self.port), "-U", user, "-d", database, "-c", sql],
            check=check, capture_output=True, text=True,
        )

    def create_database(self, name: str) -> str:
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.socket_url(name)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def start_server() -> PgServer | None:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    server = PgServer(bin_dir)
    try:
        server.init()
        server.start()
    except BaseException:
        log = open(server.log).read() if os.path.exists(server.log) else ""
        server.cleanup()
        raise RuntimeError(f"could not start PostgreSQL: {log[-2000:]}")
    return server


def wait_until_ready(server: PgServer, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = subprocess.run([os.path.join(server.bin, "pg_isready"), "-h", server.dir, "-p", str(server.port)],
                           capture_output=True)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not come back")
