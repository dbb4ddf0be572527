"""Run the Stripe stand-in in the foreground.

    python -m stripe_standin --port 8001 \\
        --webhook-url http://127.0.0.1:8000/checkout/wh/ --webhook-secret whsec_...

Defaults come from STRIPE_STANDIN_PORT, STRIPE_STANDIN_WEBHOOK_URL and
STRIPE_WH_SECRET, so the same environment configures the shop and the stand-in.
"""

import argparse
import os
import signal
import sys
import threading

from .server import StripeStandin


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stripe_standin",
        description="Local stand-in for Stripe Checkout (test mode only).",
    )
    parser.add_argument("--host", default=os.environ.get("STRIPE_STANDIN_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("STRIPE_STANDIN_PORT", "8001"))
    )
    parser.add_argument(
        "--webhook-url",
        default=os.environ.get("STRIPE_STANDIN_WEBHOOK_URL"),
        help="where events are POSTed (default: $STRIPE_STANDIN_WEBHOOK_URL; none: only logged)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=os.environ.get("STRIPE_WH_SECRET", "whsec_standin"),
        help="signing secret, the shop's STRIPE_WH_SECRET (default: $STRIPE_WH_SECRET)",
    )
    parser.add_argument(
        "--expire-interval",
        type=float,
        default=60.0,
        help="seconds between sweeps sending checkout.session.expired for lapsed sessions (0: off)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)

    standin = StripeStandin(
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        port=args.port,
        host=args.host,
        quiet=args.quiet,
    )
    standin.start()
    print(
        f"Stripe stand-in on {standin.url} (API base for StripeClient; hosted pages under /pay/)\n"
        f"  webhooks -> {args.webhook_url or '(none)'}",
        file=sys.stderr,
        flush=True,
    )

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(args.expire_interval or None):
            standin.expire_due_sessions()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
