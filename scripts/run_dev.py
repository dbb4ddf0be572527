"""`make run`: migrate, prepare the site, and serve it, with the Stripe stand-in
beside it when no keys are set.

    scripts/run_dev.py [--address 127.0.0.1:8000]

The preparation's summary (site and admin URLs, the admin user, how to set its
password, and the password itself when it was generated in this run) is the
last thing printed before the development server starts.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADDRESS = "127.0.0.1:8000"
STANDIN_PORT = 8001


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
        # Last before serving: its summary ends the set-up output.
        if subprocess.call([*manage, "prepare_dev_site", "--address", address], cwd=ROOT):
            return 1
        # The admin's links in e-mails point at the same address.
        env = {"WAGTAILADMIN_BASE_URL": local_url(address), **os.environ}
        return subprocess.call([*manage, "runserver", address], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        if standin:
            standin.send_signal(signal.SIGTERM)
            standin.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
