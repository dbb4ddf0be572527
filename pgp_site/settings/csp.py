"""Content-Security-Policy settings (django-csp 4; the dict shape of Django 6's SECURE_CSP).

pgp_site.middleware adds the hosts of static files and images, read from the
storages. CSP_REPORT_ONLY=true sends the public policy as
Content-Security-Policy-Report-Only instead (to try a change without breaking
pages); CSP_REPORT_URI is where browsers report violations.
"""

import os

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from pgp_site.settings.environment import env_bool

VIDEO_PLAYERS = [  # where EmbedBlock's oEmbed players come from
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
_public_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE: only in the header of responses whose template used request.csp_nonce.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Wagtail's responsive embeds size their frame with a style attribute;
        # attributes cannot load anything or run code.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": VIDEO_PLAYERS,
        # POST /checkout/ answers 303 to Stripe's hosted checkout page.
        "form-action": [SELF, "https://checkout.stripe.com"],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if os.environ.get("CSP_REPORT_URI"):
    _public_csp["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _public_csp
else:
    CONTENT_SECURITY_POLICY = _public_csp
    CONTENT_SECURITY_POLICY_REPORT_ONLY = None
# The Wagtail admin renders inline scripts and styles, so it gets a looser
# policy of its own instead of none at all (enforced in either mode).
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Upload previews and the focal-point editor draw from blob: and data: URLs.
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # The live preview panel frames the site; embed previews frame the players.
        "frame-src": [SELF, *VIDEO_PLAYERS],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
