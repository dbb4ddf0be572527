"""Tests: the database comes from DATABASE_URL (the suite's own PostgreSQL) or SQLite."""

import tempfile

from .base import *  # noqa: F403
from .base import BASE_DIR, LOGGING, os

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STRIPE_SECRET_KEY = "sk_test_suite"
STRIPE_WH_SECRET = "whsec_test_suite"
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "http://127.0.0.1:9")
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or BASE_DIR / "test-artifacts" / "media"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Connections close after each request so the test database can be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's threads then hold connections of
    # their own and queue on SQLite's write lock as `make run` does.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"pgp-test-{os.getpid()}.sqlite3")
    }

# Off unless a test turns it on (pagecache/tests): a stored page would hide
# changes tests make inside transactions that never commit.
PAGE_CACHE_SECONDS = 0

# Quiet: tests assert on behaviour, not on info logs.
LOGGING["root"]["level"] = "WARNING"
# The live server serves static files straight from the app folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
