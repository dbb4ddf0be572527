"""`make run`: migrate, prepare the site, and serve it, with the Stripe stand-in
beside it when no keys are set.

    scripts/run_dev.py [--address 127.0.0.1:8000]

The preparation's summary (site and admin URLs, the admin user, how to set its
password, and the password itself when it was generated in this run) is held
back until the development server listens, so it comes after runserver's own
banner: the last lines on the console before the first request.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADDRESS = "127.0.0.1:8000"
STANDIN_PORT = 8001
# prepare_dev_site draws its summary between two of these lines.
RULE = "─" * 60


def local_url(address):
    """'http://127.0.0.1:8000' for runserver's address ("8000" and "0.0.0.0:8000" too)."""
    host, _, port = address.rpartition(":")
    if host in ("", "0", "0.0.0.0"):  # noqa: S104 (every interface: reachable here)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def start_standin(python, address):
    """The local Stripe stand-in, delivering its webhooks to the site at `address`."""
    print(
        f"No STRIPE_SECRET_KEY: payments go to the local Stripe stand-in on :{STANDIN_PORT} (TEST)."
    )
    # The stand-in is its own package (stripe_standin/), installed into
    # the venv by requirements-dev.txt; the shop never imports it.
    secret = os.environ.get("STRIPE_WH_SECRET") or "whsec_standin"
    webhook = f"{local_url(address)}/checkout/wh/"
    args = ["--port", str(STANDIN_PORT), "--webhook-url", webhook, "--webhook-secret", secret]
    return subprocess.Popen([python, "-m", "stripe_standin", *args], cwd=ROOT)


def prepare(manage, address):
    """Runs prepare_dev_site, echoing its output but keeping its summary for later.
    Returns (exit code, the summary's lines)."""
    process = subprocess.Popen(
        [*manage, "prepare_dev_site", "--address", address],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    summary = []
    for line in process.stdout:
        # The summary is the last thing the command prints, from its first rule on.
        if summary or line.rstrip("\n") == RULE:
            summary.append(line)
        else:
            print(line, end="", flush=True)
    return process.wait(), summary


def wait_until_listening(address, server, timeout=120):
    """True once something accepts connections at `address` (False if runserver ended)."""
    host, port = local_url(address).removeprefix("http://").rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=DEFAULT_ADDRESS, help="where runserver serves")
    address = parser.parse_args(argv).address
    load_dotenv(ROOT / ".env")
    python = sys.executable
    manage = [python, "manage.py"]
    if subprocess.call([*manage, "migrate", "--noinput"], cwd=ROOT):
        return 1
    standin = None if os.environ.get("STRIPE_SECRET_KEY") else start_standin(python, address)
    try:
        code, summary = prepare(manage, address)
        if code:
            print("".join(summary), end="", flush=True)
            return code
        # The admin's links in e-mails point at the same address.
        env = {"WAGTAILADMIN_BASE_URL": local_url(address), **os.environ}
        server = subprocess.Popen([*manage, "runserver", address], cwd=ROOT, env=env)
        if wait_until_listening(address, server):
            time.sleep(0.5)  # runserver's own notices come right after it binds
        print("\n" + "".join(summary), end="", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if standin:
            standin.send_signal(signal.SIGTERM)
            standin.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
