"""Run a command against a throwaway PostgreSQL cluster.

    python scripts/with_postgres.py pytest -q

Makes a cluster with the machine's PostgreSQL binaries in a temporary folder,
listening only on a Unix socket there, exports DATABASE_URL for the command,
and removes everything afterwards. As root, the server runs as the
`postgres` user (PostgreSQL refuses to run as root).
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import quote


def find_binary(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def as_server_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        message = (
            "PostgreSQL binaries (initdb, pg_ctl) not found: install them "
            "(Debian: apt-get install postgresql) to run the suite on PostgreSQL."
        )
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            print(f"ERROR: {message}", file=sys.stderr)
            return 1
        print(f"SKIPPED: {message}")
        return 0

    workdir = tempfile.mkdtemp(prefix="pgp-pg-")
    data = os.path.join(workdir, "data")
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")
    log = os.path.join(workdir, "server.log")
    try:
        subprocess.run(
            as_server_user(
                [
                    initdb,
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # Durability off: this cluster lives for one test run.
        options = (
            f"-k {workdir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=120"
        )
        subprocess.run(
            as_server_user([pg_ctl, "-D", data, "-l", log, "-o", options, "-w", "start"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgres://postgres@{quote(workdir, safe='')}/postgres"
        env = dict(os.environ, DATABASE_URL=url)
        print(f"PostgreSQL test cluster on {workdir}", flush=True)
        return subprocess.run(argv, env=env).returncode
    finally:
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(
                as_server_user([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
