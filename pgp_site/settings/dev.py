"""Development: the embedded defaults (SQLite, local media, console e-mail)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool, load_dotenv

load_dotenv(BASE_DIR / ".env")

from .base import os  # noqa: E402

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-7h1s-k3y-n3v3r-s33s-pr0duct10n"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or "sk_test_standin"
STRIPE_WH_SECRET = os.environ.get("STRIPE_WH_SECRET") or "whsec_standin"
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE") or (
    "" if os.environ.get("STRIPE_SECRET_KEY") else "http://127.0.0.1:8001"
)
