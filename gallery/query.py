"""Which pages a visitor could open.

Wagtail's `live()` looks at the page alone. A visitor cannot open a page that
is unpublished, under an unpublished page, or in a section with a view
restriction (password, login, groups) until they pass it. Listings, search,
the sitemap and the shop offer only `visible()` pages; routing serves
`reachable()` ones and leaves view restrictions to Wagtail's own check.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet


def no_ancestor_or_self(condition):
    """True where neither the page nor any ancestor matches `condition`: one SQL
    condition, no extra query. In treebeard's paths, an ancestor's path is a prefix
    of its descendants' paths."""
    matching = Page.objects.filter(condition, path=Substr(OuterRef("path"), 1, Length("path")))
    return ~Exists(matching)


class VisiblePageQuerySet(PageQuerySet):
    def reachable(self):
        """Live, and under live pages only (Wagtail's `live()` checks the page alone)."""
        return self.live().filter(no_ancestor_or_self(Q(live=False)))

    def visible(self):
        """Reachable and public: what a visitor could open without a password or login."""
        hidden = Q(live=False) | Q(view_restrictions__isnull=False)
        return self.live().filter(no_ancestor_or_self(hidden))


VisiblePageManager = PageManager.from_queryset(VisiblePageQuerySet)


def all_pages():
    """Pages of any type, with `reachable()` and `visible()`."""
    return VisiblePageQuerySet(Page)
