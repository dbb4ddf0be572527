"""`make bench`: the production settings, on plain HTTP, with the local Stripe stand-in.

Everything else is production's: DEBUG off, hashed static files from WhiteNoise,
the database cache, the security middleware. Production refuses STRIPE_API_BASE
(it must never reach a live site), so the stand-in's address comes in
BENCH_STRIPE_API_BASE instead; nothing but bench/pages_bench.py sets it.
"""

from .production import *  # noqa: F403
from .production import os

# wrk and the bench's own client speak plain HTTP to 127.0.0.1.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STRIPE_API_BASE = os.environ.get("BENCH_STRIPE_API_BASE", "")
MEDIA_ROOT = os.environ["BENCH_MEDIA_ROOT"]
# A line per warning is plenty while thousands of requests a second go by.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
