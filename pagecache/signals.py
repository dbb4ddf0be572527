"""What invalidates every stored page, besides sale state (the shop's services
call ``invalidate`` themselves, the one place sale state changes).

- any save or delete of a Wagtail page: publish, unpublish, revert, a draft
  saved on a live page (wasteful but never wrong), delete; a move or a new slug;
- view restrictions (privacy) on a page and everything below it;
- site settings (every BaseSiteSetting / BaseGenericSetting), sites, images (a
  focal point change saves the image), documents, and the models the settings
  add (PAGE_CACHE_INVALIDATED_BY): any page may show them, so a CDN drops all.

Sites, settings, locales and any change to a site's root page also replace the
site generation: what primed.py keeps per process.

Renditions are not in the list: they are made while pages render, and a page
that names one is made again after whatever changed the image.
"""

import threading
import weakref

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .frontend import PURGE_EVERYTHING_ABOVE
from .store import invalidate

# What every render reads alike (primed.py): their changes are site-wide.
SITE_WIDE = (BaseSiteSetting, BaseGenericSetting, Site, Locale)
# Wagtail's tree: the root page at depth 1, each site's root page at depth 2.
SITE_ROOT_DEPTH = 2

# Deletions under way, each with the ids of the pages it removes: treebeard
# deletes a page and everything below it in one queryset, and Django signals
# each page with that queryset as `origin`. (Wagtail unpublishes each live page
# it deletes, without saving it; that deletion purges it already.) Per thread:
# each request's deletion is its own.
local = threading.local()


def deletions():
    if not hasattr(local, "deletions"):
        local.deletions = weakref.WeakKeyDictionary()
    return local.deletions


def invalidating_models():
    named = tuple(apps.get_model(label) for label in settings.PAGE_CACHE_INVALIDATED_BY)
    return (*SITE_WIDE, get_image_model(), get_document_model(), *named)


@receiver(post_save)
@receiver(post_delete)
def model_changed(sender, instance, raw=False, signal=None, **kwargs):
    if raw:  # loaddata: pages are not being served from it yet
        return
    if isinstance(instance, Page):
        # Any save: code may change a live page without publishing it. A CDN
        # is purged only when the public page changes (deletes: page_deleting).
        if signal is post_save:
            invalidate(site_wide=holds_a_site_root([instance.path]))
    elif isinstance(instance, PageViewRestriction):
        invalidate(page_ids=[instance.page_id], subtrees=[instance.page_id])
    elif isinstance(instance, (get_image_model(), get_document_model())):
        # A new file is on no page yet; a changed or deleted one may be on any.
        invalidate(everything=not kwargs.get("created"))
    elif isinstance(instance, invalidating_models()):
        invalidate(everything=True, site_wide=isinstance(instance, SITE_WIDE))


@receiver(pre_delete)
def page_deleting(sender, instance, origin=None, **kwargs):
    """Before the rows go, while the pages still have their URLs: once for a
    whole deleted subtree, or page by page when something else cascades."""
    if not isinstance(instance, Page):
        return
    if isinstance(origin, QuerySet) and issubclass(origin.model, Page):
        if origin in deletions():
            return
        deleted = list(origin.values_list("pk", "url_path", "depth", "path"))
        deletions()[origin] = {pk for pk, *_ in deleted}
    else:
        deleted = [(instance.pk, instance.url_path, instance.depth, instance.path)]
    invalidate(
        # Named while they exist, so pages showing them in a block are purged too
        # (past a few hundred, every page goes anyway: frontend.purge).
        page_ids=[pk for pk, *_ in deleted] if len(deleted) <= PURGE_EVERYTHING_ABOVE else (),
        url_paths=[url_path for _, url_path, _, _ in deleted],
        everything=any(shown_on_every_page(depth) for _, _, depth, _ in deleted)
        or len(deleted) > PURGE_EVERYTHING_ABOVE,
        site_wide=holds_a_site_root(tops([path for *_, path in deleted])),
    )


def tops(tree_paths):
    """The highest of these tree paths: every other one is below one of them."""
    found = []
    for path in sorted(tree_paths):
        if not found or not path.startswith(found[-1]):
            found.append(path)
    return found


def shown_on_every_page(depth):
    """A site's root page or one of its children: the header menu and the footer
    links name them on every page (the site's name comes from the root)."""
    return depth <= SITE_ROOT_DEPTH + 1


def holds_a_site_root(tree_paths):
    """Whether a Site's root page is at one of these tree paths or below: its row,
    URL path and the root paths are what every render reads (primed.py). A Site
    may be rooted at any page, not only at depth 2."""
    below = Q()
    for tree_path in tree_paths:
        below |= Q(root_page__path__startswith=tree_path)
    return bool(below) and Site.objects.filter(below).exists()


def page_changed(page, also=(), **left):
    """The page, its ancestors (their listings show it), the pages below it
    (their breadcrumbs name it, or they went with it), and what it left."""
    invalidate(
        [page, *also],
        subtrees=[page.pk],
        everything=shown_on_every_page(page.depth),
        site_wide=holds_a_site_root([changed.path for changed in (page, *also)]),
        **left,
    )


@receiver(page_published)
@receiver(page_unpublished)
def page_published_or_unpublished(sender, instance, **kwargs):
    if not any(instance.pk in pks for pks in deletions().values()):
        page_changed(instance)


@receiver(post_page_move)
def page_moved(sender, instance, url_path_before, url_path_after, parent_page_before, **kwargs):
    page_changed(
        instance,
        also=[parent_page_before],
        url_paths=[url_path_before],
        moved=(url_path_before, url_path_after),
    )


@receiver(page_slug_changed)
def page_renamed(sender, instance, instance_before, **kwargs):
    """A published new slug moves the page and everything below it to new URLs."""
    page_changed(
        instance,
        url_paths=[instance_before.url_path],
        moved=(instance_before.url_path, instance.url_path),
    )
