"""`make audit`: the development settings, with static files as production serves them.

Lighthouse weighs what a visitor downloads, so the stylesheets, scripts and fonts
come hashed and compressed from WhiteNoise (collectstatic into AUDIT_STATIC_ROOT,
which scripts/audit.py makes) rather than plain from the development server.
"""

from .dev import *  # noqa: F403
from .dev import STORAGES, os

STATIC_ROOT = os.environ["AUDIT_STATIC_ROOT"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
