from django.db.models import Q
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from .models import GallerySettings
from .query import child_paths


class Navigation:
    """The header menu and the pages for buyers, fetched together in one query when first used."""

    def __init__(self, root, buyer_page_ids):
        self.root = root
        self.buyer_page_ids = buyer_page_ids

    @cached_property
    def pages(self):
        in_menu = Q(path__in=child_paths(self.root), show_in_menus=True)
        for_buyers = Q(pk__in=self.buyer_page_ids.values())
        return list(Page.objects.live().filter(in_menu | for_buyers).order_by("path"))

    @cached_property
    def menu(self):
        """Live children of the site root marked 'show in menus'."""
        root = self.root
        return [
            page
            for page in self.pages
            if page.show_in_menus
            and page.depth == root.depth + 1
            and page.path.startswith(root.path)
        ]

    @cached_property
    def buyer_pages(self):
        """Shipping & returns, privacy and contact, by role; None where unset or not live."""
        by_id = {page.pk: page for page in self.pages}
        return {
            role: by_id.get(self.buyer_page_ids.get(role))
            for role in ("shipping_returns", "privacy", "contact")
        }


def navigation(request):
    """The menu and the pages for buyers (`buyer_pages.shipping_returns` …), lazily."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_pages": [], "buyer_pages": {}, "site_root": None}
    root = site.root_page
    # Settings are cached on the request, so the templates' `settings` reuse this read.
    nav = Navigation(root, GallerySettings.for_request(request).buyer_page_ids)
    return {
        "site_root": root,
        "menu_pages": lambda: nav.menu,
        "buyer_pages": lambda: nav.buyer_pages,
    }
