"""A CDN in front (Cloudflare, CloudFront): Wagtail's front-end cache purging.

Configured by WAGTAILFRONTENDCACHE (pgp_site/settings, from the environment);
without it nothing here does any work. The app ``wagtail.contrib.frontend_cache``
is deliberately not installed: its own signal handlers purge only the page
published, while here every invalidation purges the pages it names and all
their ancestors (a collection lists its paintings, the home page features
them).
"""

import logging

from django.conf import settings
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Page, Site

logger = logging.getLogger(__name__)


def configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def urls_of(pages, page_ids=(), url_paths=()):
    if not configured():
        return []
    urls = {url for url in map(url_of_path, url_paths) if url}
    for page in [*pages, *Page.objects.filter(pk__in=list(page_ids))]:
        for each in [*page.get_ancestors().filter(depth__gt=1), page]:
            url = each.get_full_url()
            if url:
                urls.add(url)
    return sorted(urls)


def url_of_path(url_path):
    """The full URL a page with this Wagtail url_path had (e.g. before a move)."""
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return root.root_url + "/" + url_path[len(root.root_path) :]
    return None


def purge(urls):
    if urls:
        purge_urls_from_cache(urls)
