"""A CDN in front (Cloudflare, CloudFront): Wagtail's front-end cache purging.

Configured by WAGTAILFRONTENDCACHE (pgp_site/settings, from the environment);
without it nothing here does any work. The app ``wagtail.contrib.frontend_cache``
is deliberately not installed: its own signal handlers purge only the page
published, while here every invalidation purges the pages it names, their
ancestors (a collection lists its paintings, the home page features them) and,
for a page that left or changed its place, everything below it.

URLs are worked out from Wagtail's ``url_path`` alone (an ancestor's url_path
is a prefix of its descendants'), so naming pages costs no query per page.
Pages that show a changed page elsewhere in the tree (an article's painting
block shows its card: title, price, sale status) are found through Wagtail's
reference index, which Wagtail keeps as pages are saved.
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.contrib.frontend_cache.backends import cloudflare, cloudfront
from wagtail.contrib.frontend_cache.utils import get_backends, purge_urls_from_cache
from wagtail.models import Page, ReferenceIndex, Site

logger = logging.getLogger(__name__)

# Past this many URLs a backend that can drop everything at once does so
# (one API call instead of hundreds); others are sent the URLs in batches.
PURGE_EVERYTHING_ABOVE = 200


def configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


@dataclass(frozen=True)
class Purge:
    """What a CDN must drop once a change commits."""

    urls: frozenset = frozenset()
    everything: bool = False  # every page may have changed (settings, images)

    def __bool__(self):
        return bool(self.urls) or self.everything


NOTHING = Purge()


def merged(purges):
    return Purge(
        frozenset().union(*(purge.urls for purge in purges)),
        any(purge.everything for purge in purges),
    )


def purge_for(pages=(), page_ids=(), url_paths=(), subtrees=(), moved=None, everything=False):
    """The Purge for a change, read now, while the pages still have their URLs.

    pages, page_ids: pages that changed (with their ancestors).
    url_paths: Wagtail url_paths pages have left (a move, a delete), with their ancestors.
    subtrees: ids of pages whose descendants changed too (unpublished, moved,
    made private): every live page below them.
    moved: (url_path_before, url_path_after) of a page moved or renamed: the
    pages below it are purged at their old URLs as well.
    """
    if not configured():
        return NOTHING
    paths = {page.url_path for page in pages} | set(url_paths)
    if page_ids:
        paths |= set(Page.objects.filter(pk__in=list(page_ids)).values_list("url_path", flat=True))
    changed = {page.pk for page in pages} | set(page_ids)
    if changed and not everything:
        paths |= referring_url_paths(changed)
    # Even when everything goes: a backend that purges URL by URL must still be
    # told the old URLs of the pages moved with it.
    if subtrees and (moved or not everything):
        # After a move every old URL is named, however many: a backend that
        # purges URL by URL cannot find them from the tree any more.
        below = descendant_url_paths(subtrees, most=None if moved else PURGE_EVERYTHING_ABOVE)
        if below is None:  # too many to name: purge() drops everything
            everything = True
        else:
            if moved:
                before, after = moved
                below |= {before + path[len(after) :] for path in below if path.startswith(after)}
            paths |= below
    return Purge(frozenset(urls_of_paths(paths)), everything)


def referring_url_paths(page_ids):
    """url_paths of the live pages that name these in their content (a painting
    block, a page link): they show the changed page's card or title."""
    page_type = ContentType.objects.get_for_model(Page)
    referring = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        to_content_type=page_type,
        to_object_id__in=[str(pk) for pk in page_ids],
    ).values_list("object_id", flat=True)
    ids = {int(pk) for pk in referring if pk.isdigit()} - set(page_ids)
    if not ids:
        return set()
    return set(Page.objects.live().filter(pk__in=ids).values_list("url_path", flat=True))


def descendant_url_paths(page_ids, most):
    """url_paths of the live pages below these (None if more than `most`; None: all)."""
    roots = Page.objects.filter(pk__in=list(page_ids)).values_list("path", flat=True)
    below = Q()
    for tree_path in roots:
        below |= Q(path__startswith=tree_path)
    if not below:
        return set()
    found = (
        Page.objects.live()
        .filter(below)
        .exclude(pk__in=list(page_ids))
        .values_list("url_path", flat=True)
    )
    if most is None:
        return set(found)
    found = list(found[: most + 1])
    return None if len(found) > most else set(found)


def urls_of_paths(url_paths):
    """Full URLs of the pages at these url_paths and of all their ancestors."""
    if not url_paths:
        return set()
    roots = Site.get_site_root_paths()
    urls = set()
    for url_path in url_paths:
        parts = url_path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            url = url_of_path("/" + "/".join(parts[:depth]) + "/", roots)
            if url:
                urls.add(url)
    return urls


def url_of_path(url_path, roots):
    """The full URL a page with this Wagtail url_path has (or had, before a move),
    given Site.get_site_root_paths()."""
    for root in roots:
        if url_path.startswith(root.root_path):
            return root.root_url + "/" + url_path[len(root.root_path) :]
    return None


def purge(what):
    """Sends the purge to every configured backend. A CDN that fails is logged, not
    raised: the change has committed, and the other backends still get theirs."""
    if not what or not configured():
        return
    urls = sorted(what.urls)
    many = what.everything or len(urls) > PURGE_EVERYTHING_ABOVE
    by_url = []
    for name, backend in get_backends().items():
        if many and hasattr(backend, "purge_everything"):
            try:
                backend.purge_everything()
            except Exception:
                logger.exception("CDN %s: purging everything failed", name)
        else:
            by_url.append(name)
    if by_url and what.everything:
        live = Page.objects.live().values_list("url_path", flat=True)
        urls = sorted(set(urls) | urls_of_paths(live))
    if by_url and urls:
        try:
            purge_urls_from_cache(urls, backends=by_url)
        except Exception:
            logger.exception("CDN purge of %d URLs failed", len(urls))


class CloudflareBackend(cloudflare.CloudflareBackend):
    """Wagtail's, plus dropping the whole zone in one call."""

    def purge_everything(self):
        if self.cloudflare_token:
            headers = {"Authorization": f"Bearer {self.cloudflare_token}"}
        else:
            headers = {"X-Auth-Email": self.cloudflare_email, "X-Auth-Key": self.cloudflare_api_key}
        response = requests.post(
            self.cloudflare_purge_endpoint_url,
            json={"purge_everything": True},
            headers=headers,
            timeout=30,
        )
        response.raise_for_status()
        if not response.json().get("success"):
            raise RuntimeError(f"Cloudflare refused to purge everything: {response.text[:500]}")


class CloudfrontBackend(cloudfront.CloudfrontBackend):
    """Wagtail's, plus invalidating every path of the distribution in one call."""

    def purge_everything(self):
        self._create_invalidation(self.cloudfront_distribution_id, ["/*"])
