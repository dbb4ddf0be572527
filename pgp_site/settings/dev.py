"""Development: the embedded defaults (SQLite, local media, e-mail to files)."""

from pathlib import Path

from dotenv import load_dotenv

# .env fills in what the environment does not set (it never overrides it), and
# before base reads the environment: DATABASE_URL, AWS_*, REDIS_URL, CSP_* ….
load_dotenv(Path(__file__).resolve().parents[2] / ".env", override=False)

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env_bool, os  # noqa: E402

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-7h1s-k3y-n3v3r-s33s-pr0duct10n"
ALLOWED_HOSTS = ["*"]
# One .eml per message in tmp/emails/, and one line per message on the console.
EMAIL_BACKEND = "pgp_site.dev_email.FileAndSummaryBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(BASE_DIR / "tmp" / "emails")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or "sk_test_standin"
STRIPE_WH_SECRET = os.environ.get("STRIPE_WH_SECRET") or "whsec_standin"
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE") or (
    "" if os.environ.get("STRIPE_SECRET_KEY") else "http://127.0.0.1:8001"
)
