"""What every page rendered under one generation reads alike, read once per process.

Every render asks the database which Site answers the host, for its root page
(and that page's specific row), for the sites' root paths and for each site
setting: six statements that only a change of a Site, a page or a setting can
alter, and each such change replaces the generation (signals.py). So on a
page-cache miss the request is handed these as they were read under the
generation it renders under, through the attributes Wagtail itself caches them
on (`Site.find_for_request`, `Page._get_site_root_paths`,
`BaseSiteSetting.for_request`).

Each request gets its own copy (unpickled: quicker than a deep copy): a page's
code may set attributes on the instances it is given, and nothing must carry
from one request to another.
"""

import pickle

from django.apps import apps
from django.http.request import split_domain_port
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

# key -> (generation, value); emptied when full (hosts are few: ALLOWED_HOSTS).
REMEMBERED = {}
REMEMBERED_MOST = 200


def remembered(generation, key, compute):
    known = REMEMBERED.get(key)
    if known is not None and known[0] == generation:
        return known[1]
    value = compute()
    if len(REMEMBERED) >= REMEMBERED_MOST:
        REMEMBERED.clear()
    REMEMBERED[key] = (generation, value)
    return value


def site_settings_models():
    return [model for model in apps.get_models() if issubclass(model, BaseSiteSetting)]


def read_site(request):
    """The Site for this host, its root page (specific) and its settings, all loaded."""
    site = Site._find_for_request(request)
    if site is None:
        return None, {}
    site.root_page.specific  # noqa: B018 - loads and keeps it on the instance
    settings = {model: model.for_site(site) for model in site_settings_models()}
    return site, settings


def prime(request, generation):
    """Hands this request what renders under `generation` read alike."""
    # Wagtail's own key for the site: the raw host (no ALLOWED_HOSTS check) and port.
    host = (split_domain_port(request._get_raw_host())[0], request.get_port())
    site, settings = pickle.loads(  # noqa: S301 - bytes this process pickled itself
        remembered(generation, ("site", *host), lambda: pickle.dumps(read_site(request)))
    )
    request._wagtail_site = site
    request._wagtail_cached_site_root_paths = remembered(
        generation, ("root paths",), Site.get_site_root_paths
    )
    for model, instance in settings.items():
        instance._request = request
        setattr(request, model.get_cache_attr_name(), instance)
