"""`make run`: the development server, plus the Stripe stand-in when no keys are set."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent


def main():
    load_dotenv(ROOT / ".env")
    python = sys.executable
    standin = None
    if not os.environ.get("STRIPE_SECRET_KEY"):
        print("No STRIPE_SECRET_KEY: payments go to the local Stripe stand-in on :8001 (TEST).")
        # The stand-in is its own package (stripe_standin/), installed into
        # the venv by requirements-dev.txt; the shop never imports it.
        secret = os.environ.get("STRIPE_WH_SECRET") or "whsec_standin"
        webhook = "http://127.0.0.1:8000/checkout/wh/"
        args = ["--port", "8001", "--webhook-url", webhook, "--webhook-secret", secret]
        standin = subprocess.Popen([python, "-m", "stripe_standin", *args], cwd=ROOT)
    try:
        return subprocess.call([python, "manage.py", "runserver", "127.0.0.1:8000"], cwd=ROOT)
    except KeyboardInterrupt:
        return 0
    finally:
        if standin:
            standin.send_signal(signal.SIGTERM)
            standin.wait(timeout=5)


if __name__ == "__main__":
    sys.exit(main())
