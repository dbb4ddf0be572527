"""Which pages a visitor could open.

Wagtail's `live()` looks at the page alone. A visitor cannot open a page that
is unpublished, under an unpublished page (routing stops there), or in a
section with a view restriction (password, login, groups) until they pass it.
Listings, search, the sitemap, routing and the shop offer only pages that pass
all three, through `visible()`.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet


def hides_descendants():
    """Pages that hide themselves and what is under them from visitors."""
    return Q(live=False) | Q(view_restrictions__isnull=False)


def visible_q():
    """A page is visible if neither it nor any ancestor hides it: one condition, no
    extra query. In treebeard's paths, an ancestor's path is a prefix of the page's."""
    hidden_by = Page.objects.filter(
        hides_descendants(), path=Substr(OuterRef("path"), 1, Length("path"))
    )
    return Q(live=True) & ~Exists(hidden_by)


class VisiblePageQuerySet(PageQuerySet):
    def visible(self):
        """Live, public, and under live pages only: what a visitor could open."""
        return self.filter(visible_q())


VisiblePageManager = PageManager.from_queryset(VisiblePageQuerySet)


def visible_pages():
    """Pages of any type that a visitor could open."""
    return VisiblePageQuerySet(Page).visible()
