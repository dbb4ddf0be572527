"""Did this POST come from a page of this site? For the one form without a CSRF token.

The add-to-cart button sits on pages that are the same for every visitor (they
are cached), so it carries no per-visitor token. Browsers say where a form was
sent from instead, and no other site can make them lie:

- `Sec-Fetch-Site: cross-site` (every current browser) is refused outright;
- else `Origin`, when sent (every browser sends it with a POST; "null" from a
  sandboxed or no-referrer page is refused), must be this site's own origin or
  one of CSRF_TRUSTED_ORIGINS;
- else `Referer` must be, the same way;
- neither: refused (a script that sends neither is not a browser on our page).

Session cookies are SameSite=Lax (Django's default), so a cross-site POST
would not carry the cart anyway. Django's test Client without
enforce_csrf_checks skips this check as it skips Django's own.
"""

from urllib.parse import urlsplit

from django.conf import settings


def origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted(request, origin):
    if origin is None:
        return False
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    return any(_matches(origin, allowed.lower()) for allowed in settings.CSRF_TRUSTED_ORIGINS)


def _matches(origin, allowed):
    """CSRF_TRUSTED_ORIGINS entries, as Django reads them: exact, or *.domain."""
    if "://*." not in allowed:
        return origin == allowed
    scheme, domain = allowed.split("://*.", 1)
    return origin.startswith(f"{scheme}://") and origin.endswith(f".{domain}")


def from_this_site(request):
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return True
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and trusted(request, origin_of(origin))
    referer = request.headers.get("Referer")
    return referer is not None and trusted(request, origin_of(referer))
