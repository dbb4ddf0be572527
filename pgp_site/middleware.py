"""Content-Security-Policy: django-csp's middleware, told where this site's files live.

The policies themselves are settings (``CONTENT_SECURITY_POLICY`` or, with
``CSP_REPORT_ONLY=true``, ``CONTENT_SECURITY_POLICY_REPORT_ONLY`` for the public
site; ``CONTENT_SECURITY_POLICY_ADMIN`` for the Wagtail admin, always enforced).
What settings cannot know is read here from the storages, once per
configuration: the host of static files and of image renditions (this site,
the S3 bucket or its CDN) for public pages, plus the bucket the admin's signed
originals come from; and the local Stripe stand-in's checkout page, when
``STRIPE_API_BASE`` points at one (development and tests only).

Templates that need an inline script use ``<script nonce="{{ request.csp_nonce }}">``;
django-csp only adds the nonce to the header of responses that used it.
"""

from functools import cache
from urllib.parse import urlsplit

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse

from pgp_site import inline_styles


def url_origin(url):
    """'self' for a URL on this site, scheme://host[:port] for any other."""
    parts = urlsplit(url)
    if not parts.netloc:
        return SELF
    return f"{parts.scheme}://{parts.netloc}"


@cache
def asset_origins():
    """Origins of static files, of renditions and of all media, once per configuration.

    Public pages show renditions only (WAGTAILIMAGES_RENDITION_STORAGE: public,
    maybe on a CDN); the admin also shows originals from the default storage
    (private, signed, straight from the bucket). Each origin is read from the
    storage itself, so it is right for local files, a path-style endpoint
    (MinIO, R2), a virtual-hosted bucket or a CDN domain alike.
    """
    static = url_origin(settings.STATIC_URL)
    renditions = url_origin(unsigned_storage(rendition_storage_alias()).url("csp-origin"))
    originals = url_origin(unsigned_storage("default").url("csp-origin"))
    return sorted({SELF, static}), sorted({SELF, renditions}), sorted({SELF, renditions, originals})


def rendition_storage_alias():
    alias = getattr(settings, "WAGTAILIMAGES_RENDITION_STORAGE", "default")
    return alias if isinstance(alias, str) and alias in storages.backends else "default"


def unsigned_storage(alias):
    storage = storages[alias]
    if getattr(storage, "querystring_auth", False):
        # Signing needs credentials (a page must not fail for want of them);
        # an unsigned URL has the same host.
        options = storages.backends[alias].get("OPTIONS", {})
        storage = type(storage)(**{**options, "querystring_auth": False})
    return storage


@receiver(setting_changed)
def forget_asset_origins(*, setting, **kwargs):
    if setting in {
        "STATIC_URL",
        "MEDIA_URL",
        "STORAGES",
        "WAGTAILIMAGES_RENDITION_STORAGE",
    } or setting.startswith("AWS_"):
        asset_origins.cache_clear()


@cache
def admin_prefix():
    return reverse("wagtailadmin_home")


def stripe_standin_origins():
    """The local stand-in's checkout page, where POST /checkout/ sends the buyer in development."""
    if not settings.STRIPE_API_BASE:  # production refuses it
        return []
    return [url_origin(settings.STRIPE_API_BASE)]


def merge(*updates):
    merged = {}
    for update in updates:
        for directive, sources in (update or {}).items():
            merged[directive] = [*merged.get(directive, []), *sources]
    return merged


# Responses a browser renders as a document, where a policy has something to govern.
# JSON, plain text, feeds and files are left alone (static files never get here:
# WhiteNoise answers them earlier in MIDDLEWARE).
DOCUMENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
)


def is_document(response):
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return content_type in DOCUMENT_TYPES


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's own policy and this site's asset hosts."""

    def process_response(self, request, response):
        if not is_document(response):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if parts.config is not None:  # a view chose its own policy with @csp_override
            return parts
        static, renditions, media = asset_origins()
        if request.path.startswith(admin_prefix()):
            if report_only:
                parts.config, parts.update = {}, None  # the admin's policy is always enforced
                return parts
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
            images = media
            extra = {}
        else:
            images = renditions
            # Not the admin's: a hash would switch its 'unsafe-inline' off.
            extra = {
                "form-action": stripe_standin_origins(),
                "style-src": [*static, *inline_styles.csp_sources()],
            }
        origins = {
            "script-src": static,
            "style-src": static,
            "font-src": static,
            "img-src": images,
            "media-src": images,
            **extra,
        }
        parts.update = merge(origins, parts.update)
        return parts
