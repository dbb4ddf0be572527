from django.db.models import Q
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from .models import GallerySettings
from .prepared import PreparedQuery
from .query import child_or_one_of, child_path_bounds

BUYER_ROLES = ("shipping_returns", "privacy", "contact")


def navigation_pages(path, end, length, shipping_returns_id, privacy_id, contact_id):
    """The live children of the page at `path` shown in menus, and the pages for buyers
    (an id of 0 for a role with no page)."""
    for_buyers = (shipping_returns_id, privacy_id, contact_id)
    return (
        Page.objects.live()
        .filter(child_or_one_of(path, end, length, for_buyers))
        .filter(Q(show_in_menus=True) | Q(pk__in=for_buyers))
        .order_by("path")
    )


NAVIGATION_PAGES = PreparedQuery(
    navigation_pages,
    path=str,
    end=str,
    length=int,
    shipping_returns_id=int,
    privacy_id=int,
    contact_id=int,
)


class Navigation:
    """The header menu and the pages for buyers, fetched together in one query when first used."""

    def __init__(self, root, buyer_page_ids):
        self.root = root
        self.buyer_page_ids = buyer_page_ids

    @cached_property
    def pages(self):
        path, end, length = child_path_bounds(self.root.path)
        ids = {f"{role}_id": self.buyer_page_ids.get(role, 0) for role in BUYER_ROLES}
        return NAVIGATION_PAGES(path=path, end=end, length=length, **ids)

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
        return {role: by_id.get(self.buyer_page_ids.get(role)) for role in BUYER_ROLES}


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
