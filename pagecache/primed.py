"""What every page reads alike, read once per process and site generation.

Every render asks the database which Site answers the host, for its root page
(and that page's specific row), for the sites' root paths and for each site
setting: six statements that only a change of a Site, a site's root page, a
locale or a setting can alter, and each such change replaces the site
generation (signals.py; a sale or a painting's publish replaces only the page
generation, so the first page a worker renders after one stays within the
query budget). So on a page-cache miss the request is handed these as they
were read under the site generation it renders under, through the attributes
Wagtail itself caches them on (`Site.find_for_request`,
`Page._get_site_root_paths`, `BaseSiteSetting.for_request`).

Each request gets its own copy (unpickled: quicker than a deep copy): a page's
code may set attributes on the instances it is given, and nothing must carry
from one request to another.

A worker that has none yet (just started, or recycled by gunicorn) finds them
in the shared cache, fetched in the page lookup's one read (`shared_key`), so
its first page too stays within the query budget; only the first render after
a site-wide change reads them from the database, and shares them. Reads are
kept no longer than a stored page (PAGE_CACHE_SECONDS): a change that sends no
signal (loaddata, a queryset update) replaces no generation, yet shows within
that time, as it does on stored pages.
"""

import functools
import hashlib
import pickle

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

from . import store
from .hosts import host_of_its_site

# ("site", hostname, port) -> (site generation, read at, pickled reads); emptied
# when full (hosts are few: ALLOWED_HOSTS, and only the Site's own is shared).
REMEMBERED = {}
REMEMBERED_MOST = 200
SHARED_PREFIX = "pagecache:primed:"


def wagtail_host(request):
    """Wagtail's own key for the site: the raw host (no ALLOWED_HOSTS check) and port."""
    return split_domain_port(request._get_raw_host())[0], request.get_port()


@functools.cache
def code_shape():
    """What pickled models depend on: another release's instances (a field added
    or renamed) must not be unpickled by this one, so its key differs."""
    shape = [(model._meta.label, [f.attname for f in model._meta.concrete_fields])
             for model in apps.get_models()]  # fmt: skip
    return hashlib.sha256(repr((django.VERSION, wagtail.VERSION, shape)).encode()).hexdigest()


def shared_key_of(host):
    return SHARED_PREFIX + hashlib.sha256(repr((code_shape(), host)).encode()).hexdigest()


def usable(reads, generation):
    """Reads of this site generation, and no older than a stored page may be: a
    change that sends no signal (loaddata, a queryset update, a data migration)
    replaces no generation, and must show within PAGE_CACHE_SECONDS all the same."""
    return (
        isinstance(reads, tuple)
        and len(reads) == 3
        and reads[0] == generation
        and isinstance(reads[2], bytes)
        and 0 <= store.now() - reads[1] < settings.PAGE_CACHE_SECONDS
    )


def shared_key(request):
    """The shared cache's key for what this host reads alike, or None if this
    process holds them, fresh (their generation is checked once it is known)."""
    host = wagtail_host(request)
    known = REMEMBERED.get(("site", *host))
    if known is not None and usable(known, known[0]):
        return None
    return shared_key_of(host)


def remember(host, reads):
    if len(REMEMBERED) >= REMEMBERED_MOST:
        REMEMBERED.clear()
    REMEMBERED[("site", *host)] = reads


def site_settings_models():
    return [model for model in apps.get_models() if issubclass(model, BaseSiteSetting)]


def read_site(request):
    """The Site for this host, its root page (specific) and its settings, all loaded."""
    site = Site._find_for_request(request)
    if site is None:
        return None, {}
    site.root_page.specific  # noqa: B018 - loads and keeps it on the instance
    return site, {model: model.for_site(site) for model in site_settings_models()}


def read_all(request):
    return pickle.dumps((read_site(request), Site.get_site_root_paths()))


def adopt(request, generation, shared):
    """Keeps what the lookup found in the shared cache, if usable, so that the
    worker stops asking for it (even serving only hits)."""
    if usable(shared, generation):
        remember(wagtail_host(request), shared)


def prime(request, generation):
    """Hands this request what renders under the site `generation` read alike."""
    host = wagtail_host(request)
    reads = REMEMBERED.get(("site", *host))
    if not usable(reads, generation):
        reads = (generation, store.now(), read_all(request))
        remember(host, reads)
        # Shared only under the Site's own host: with a wildcard in ALLOWED_HOSTS
        # no bot fills the cache with one entry per made-up subdomain.
        share = True
    else:
        share = False
    (site, site_settings), root_paths = pickle.loads(reads[2])  # noqa: S301 - pickled here
    request._wagtail_site = site
    request._wagtail_cached_site_root_paths = root_paths
    for model, instance in site_settings.items():
        instance._request = request
        setattr(request, model.get_cache_attr_name(), instance)
    if share and host_of_its_site(request):
        cache.set(shared_key_of(host), reads, timeout=settings.PAGE_CACHE_SECONDS)
