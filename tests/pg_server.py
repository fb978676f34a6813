"""A private PostgreSQL server for the test session: initdb into a temporary folder, free port.

Used when PostgreSQL's server programs are installed (Debian's postgresql package); as root
the server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PostgresServer:
    port: int
    datadir: Path
    bindir: Path
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(
            self, [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"]
        )
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(server: PostgresServer, argv: list[str]) -> subprocess.CompletedProcess[str]:
    if server.run_as:
        argv = ["runuser", "-u", server.run_as, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)


def start() -> PostgresServer:
    """Start a throwaway server; raises RuntimeError with PostgreSQL's output on failure."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="fm-pg-"))
    run_as = "postgres" if os.geteuid() == 0 else None
    if run_as:
        shutil.chown(root, user=run_as)
    server = PostgresServer(port=free_port(), datadir=root / "data", bindir=bindir, run_as=run_as)
    steps = [
        [str(bindir / "initdb"), "-D", str(server.datadir), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--locale=C.UTF-8"],
        [str(bindir / "pg_ctl"), "-D", str(server.datadir), "-l", str(root / "log"), "-w", "-o",
         f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
         "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"],
    ]  # fmt: skip
    for argv in steps:
        result = _run(server, argv)
        if result.returncode != 0:
            log = (root / "log").read_text() if (root / "log").exists() else ""
            raise RuntimeError(f"{argv[0]} failed: {result.stdout}{result.stderr}{log}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", server.port)) == 0:
                return server
        time.sleep(0.1)
    raise RuntimeError("PostgreSQL did not accept connections within 30 s")
