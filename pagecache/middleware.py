"""Serves stored public pages before sessions, auth and Wagtail routing run.

Placed right after SecurityMiddleware, WhiteNoise and the NUL-byte check, so
a hit costs one cache read and nothing else. The outer middleware (security
headers, Content-Security-Policy) still dress every response, hit or not.
"""

import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers
from wagtail.views import serve as wagtail_serve

from . import primed, store
from .hosts import cache_host, host_of_its_site

logger = logging.getLogger(__name__)

# Query parameters that never change a page (links from newsletters and
# social sites): such a URL may be answered with the stored page of its bare
# path, but is never stored itself, so no flood of them fills the cache.
TRACKING_PARAMS = {"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "ref"}
TRACKING_PREFIX = "utm_"
# Headers the outer middleware or the hit itself decide (Vary is kept: a hit
# varies as its page did, plus by Cookie: shared_cache_control).
NOT_STORED_HEADERS = {"cache-control", "set-cookie"}
REFUSING_DIRECTIVES = {"private", "no-cache", "no-store"}


def only_tracking(query_string):
    params = parse_qsl(query_string, keep_blank_values=True)
    return bool(params) and all(
        name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIX) for name, _ in params
    )


def has_session(request):
    # An empty session cookie is no session: SessionMiddleware would start a
    # new, empty one, exactly as for a visitor without the cookie.
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def may_answer_from_cache(request):
    """A request whose answer can be the same for everyone who sends it.

    Visitors with a session (a cart, signed in) or a message waiting in a cookie
    get a fresh page: it may show them something of theirs. Only URLs Wagtail
    serves qualify (the search page, cart, checkout, accounts and admin are
    views of their own), and only without a query string beyond tracking
    parameters: filters and page numbers render fresh, so no bot can fill the
    cache with `?x=1..n`.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if has_session(request) or CookieStorage.cookie_name in request.COOKIES:
        return False
    query = request.META.get("QUERY_STRING", "")
    if query and not only_tracking(query):
        return False
    try:
        return resolve(request.path_info).func is wagtail_serve
    except Resolver404:
        return False


def storable(request, response):
    """Whether this rendered page is the same for everyone, and may be stored.

    - a page type the settings name (PAGE_CACHE_PAGE_TYPES: no form pages),
      recorded by our before_serve_page hook (wagtail_hooks.py);
    - a 200: no redirect (view restrictions), error or "not found";
    - no cookie set: a cookie means something of this visitor's was made or
      changed — a session saved, a CSRF token used (Django sets its cookie
      whenever a form's token is rendered), a message left for later;
    - no CSRF token used, checked directly too (get_token flags the request);
    - no message shown or queued: the storage counts what it loaded and what
      was added;
    - the session untouched: a template that read `user` or the session
      varies by cookie (SessionMiddleware then sends Vary: Cookie);
    - no CSP nonce used: the header's nonce is made per response, so a stored
      page's inline script would be refused;
    - asked for under its Site's own host and port (host_of_its_site);
    - no Cache-Control of the view's own saying private, no-cache or no-store.
    """
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    page_type = getattr(request, "page_cache_page_type", None)
    if page_type not in settings.PAGE_CACHE_PAGE_TYPES:
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    if "cookie" in response.get("Vary", "").lower():
        return False
    if getattr(request, "_csp_nonce", None) is not None:
        return False
    if not host_of_its_site(request):
        return False
    directives = {
        d.split("=")[0].strip().lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & REFUSING_DIRECTIVES


def shared_cache_control(response, seconds):
    """Browsers ask again every time; a CDN may keep it as long as the entry lives,
    but not for a visitor with a cookie (a session, a message waiting): a hit varies
    by Cookie exactly as the page it was stored from."""
    del response["Cache-Control"]
    patch_cache_control(response, public=True, max_age=0, s_maxage=max(int(seconds), 0))
    patch_vary_headers(response, ["Cookie"])


def from_entry(entry):
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response[name] = value
    shared_cache_control(response, entry.seconds_left(store.now()))
    response["X-Page-Cache"] = "hit"
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not store.enabled() or not may_answer_from_cache(request):
            return self.private(self.get_response(request))
        url = f"{request.scheme}://{cache_host(request)}{request.path}"
        key = store.entry_key(url)
        primed_key = primed.shared_key(request)
        try:
            found = store.lookup(key, *filter(None, [primed_key]))
        except Exception:  # the cache is down: serve pages anyway
            logger.exception("Page cache lookup failed")
            return self.private(self.get_response(request))
        if primed_key is not None:
            primed.adopt(request, found.site_generation, found.also.get(primed_key))
        if found.entry is not None:
            return from_entry(found.entry)
        if request.method != "GET" or request.META.get("QUERY_STRING"):
            return self.private(self.get_response(request))
        # Read before rendering: a change committed during the render replaces
        # them, and what is stored under the old one is never served.
        try:
            generation = found.generation or store.current_generation()
            site_generation = found.site_generation or store.current_generation(
                store.SITE_GENERATION_KEY
            )
        except Exception:
            logger.exception("Page cache generation unavailable")
            generation = site_generation = None
        if site_generation is not None:
            try:
                primed.prime(request, site_generation)
            except Exception:  # the render reads them itself
                logger.exception("Page cache priming failed")
        response = self.get_response(request)
        if generation is None or not storable(request, response):
            return self.private(response)
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED_HEADERS]
        try:
            entry = store.save(key, generation, response, headers)
        except Exception:
            logger.exception("Page cache store failed")
            entry = None
        if entry is None:
            return self.private(response)
        shared_cache_control(response, entry.seconds_left(store.now()))
        response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def private(response):
        """Whatever is not stored here is no CDN's to keep either."""
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
