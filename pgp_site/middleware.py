"""Content-Security-Policy for every response (Django 5.2 has none built in).

The public site gets a strict policy that lists exactly what it loads: its own
static files, the host of image renditions (this site, the S3 bucket or its
CDN), video embeds, and Stripe Checkout as the only other place a form may
post to. The Wagtail admin renders inline scripts and styles, so it gets a
looser policy of its own instead of none at all; it also shows originals,
which come signed from the bucket itself.

Templates that need an inline script use ``<script nonce="{{ request.csp_nonce }}">``;
the nonce is only added to the header of responses that used it.
"""

import secrets
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

SELF = "'self'"
NONE = "'none'"
STRIPE_CHECKOUT = "https://checkout.stripe.com"
# Where EmbedBlock's oEmbed players come from.
VIDEO_PLAYERS = (
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
)


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


def checkout_origins():
    """Where checkout may send the buyer: Stripe, or the local stand-in's page."""
    origins = [STRIPE_CHECKOUT]
    if settings.STRIPE_API_BASE:  # development and tests only; production refuses it
        parts = urlsplit(settings.STRIPE_API_BASE)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def public_policy(static, media):
    return {
        "default-src": [SELF],
        "script-src": static,
        "style-src": static,
        # Wagtail's responsive embeds size their frame with a style attribute;
        # attributes cannot load anything or run code.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": media,
        "media-src": media,
        "font-src": static,
        "connect-src": [SELF],
        "frame-src": list(VIDEO_PLAYERS),
        # POST /checkout/ answers 303 to Stripe's hosted checkout page.
        "form-action": [SELF, *checkout_origins()],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }


def admin_policy(static, media):
    return {
        "default-src": [SELF],
        "script-src": [*static, "'unsafe-inline'"],
        "style-src": [*static, "'unsafe-inline'"],
        # Upload previews and the focal-point editor draw from blob: and data: URLs.
        "img-src": [*media, "data:", "blob:"],
        "media-src": media,
        "font-src": [*static, "data:"],
        "connect-src": [SELF],
        # The live preview panel frames the site; embed previews frame the players.
        "frame-src": [SELF, *VIDEO_PLAYERS],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }


def serialize(policy):
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce_used = False

        def make_nonce():
            nonlocal nonce_used
            nonce_used = True
            return secrets.token_urlsafe(16)

        request.csp_nonce = SimpleLazyObject(make_nonce)
        response = self.get_response(request)
        if "Content-Security-Policy" in response.headers:
            return response

        static, renditions, media = asset_origins()
        if request.path.startswith(admin_prefix()):
            policy = admin_policy(static, media)
        else:
            policy = public_policy(static, renditions)
            if nonce_used:
                policy["script-src"] = [*policy["script-src"], f"'nonce-{request.csp_nonce}'"]
        response.headers["Content-Security-Policy"] = serialize(policy)
        return response
