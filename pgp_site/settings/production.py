"""Production: everything from the environment; refuses to start when unsafe.

`python manage.py check --deploy` with these settings and a real environment
reports no issues; tests/test_production.py keeps it that way.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STATIC_ROOT, STORAGES, env_bool, env_list, os

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
if env_bool("DEBUG"):
    raise ImproperlyConfigured("DEBUG must be off in production.")
DEBUG = False
if os.environ.get("STRIPE_API_BASE"):
    raise ImproperlyConfigured(
        "STRIPE_API_BASE points Stripe at a stand-in; it must not be set in production."
    )
STRIPE_API_BASE = ""

# e.g. ALLOWED_HOSTS=shop.example.com,pgp.herokuapp.com
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Only needed for origins other than the site itself, e.g. https://www.example.com
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The platform's router terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Media comes from S3 (or the platform's storage), never from Django.
SERVE_MEDIA = False
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Hashed, compressed static files served by WhiteNoise with far-future caching.
# Heroku runs `collectstatic --noinput` during the build; STATIC_ROOT may be moved
# with the environment variable of the same name.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or STATIC_ROOT
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# A slow mail server must not hold a web worker until the router gives up.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# The platform collects stdout; one line per record, level and logger first.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
