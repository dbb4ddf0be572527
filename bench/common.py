"""What the benchmarks share: a throwaway database, the seed, timing a URL in
process, and measuring a real gunicorn server with wrk."""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def configure_django(prefix):
    sys.path.insert(0, str(PROJECT_ROOT))
    if not os.environ.get("DATABASE_URL"):
        # Never the shared development database: a fresh file per run.
        database = Path(tempfile.mkdtemp(prefix=f"{prefix}-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix=f"{prefix}-media-"))
    # Test settings: DEBUG off, as in production, and local media.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pgp_site.settings.test")
    import django

    django.setup()


def seed(paintings):
    """Migrates and rebuilds the demo gallery with this many paintings; returns seconds."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    call_command("seed_gallery", paintings=paintings, reset=True, verbosity=0)
    return time.monotonic() - started


class QueryCounter:
    """Counts the SQL statements sent, whatever DEBUG says."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, path, params=None, requests=50, warmup=3):
    """Times `requests` GETs after `warmup` untimed ones; counts one request's SQL."""
    from django.db import connection

    for _ in range(warmup):
        client.get(path, params)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get(path, params)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} for {params}")

    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path, params)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "response": response,
        "queries": queries.count,
        "per_second": 1000 * len(timings) / sum(timings),
        "mean": statistics.fmean(timings),
        "p95": timings[max(0, round(0.95 * len(timings)) - 1)],
    }


# -- Against a real server: gunicorn with the project's own config, measured with wrk --


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} did not start:\n{Path(log_path).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {timeout} s:\n{Path(log_path).read_text()[-3000:]}")


@contextmanager
def running(cmd, env, ready_url, log_path):
    """Runs a server process until the block ends; its output goes to `log_path`."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(ready_url, process, log_path)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(env, port, log_path):
    """The site as the Procfile runs it: `gunicorn pgp_site.wsgi -c gunicorn.conf.py`."""
    cmd = [
        sys.executable, "-m", "gunicorn", "pgp_site.wsgi",
        "--config", str(PROJECT_ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
        # Several servers in one bench: none may claim ~/.gunicorn/gunicorn.ctl.
        "--no-control-socket",
    ]  # fmt: skip
    return running(cmd, env, f"http://127.0.0.1:{port}/robots.txt", log_path)


WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors:.*")


def ensure_wrk():
    """wrk's path; installs it with apt-get when it is missing and that is possible."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "The bench measures with wrk (https://github.com/wg/wrk), which is not installed "
            "and could not be installed here. Install it (Debian/Ubuntu: apt-get install wrk; "
            "macOS: brew install wrk) and run make bench again."
        )
    return found


def wrk(url, seconds, connections, threads=2):
    """Requests per second wrk reached on `url`, and what went wrong (timeouts, errors)."""
    result = subprocess.run(
        [
            ensure_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 90,
        check=True,
    )
    problems = [m.group(0) for m in WRK_ERRORS.finditer(result.stdout)]
    return float(WRK_RATE.search(result.stdout).group(1)), problems
