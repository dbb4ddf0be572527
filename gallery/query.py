"""Which pages a visitor could open.

Wagtail's `live()` looks at the page alone. A visitor cannot open a page that
is unpublished, under an unpublished page, or in a section with a view
restriction (password, login, groups) until they pass it. Listings, search,
the sitemap and the shop offer only `visible()` pages; routing serves
`reachable()` ones and leaves view restrictions to Wagtail's own check.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet

from shop.sale_status import SaleStatus, sale_status_expression, sale_status_of

from .images import CARD_IMAGE, images_with_renditions


def no_ancestor_or_self(condition):
    """True where neither the page nor any ancestor matches `condition`: one SQL
    condition, no extra query.

    The pages under a matching page are found from the matching pages (few:
    drafts, private sections) through the path index, in a subquery that does
    not depend on the page asked about, so the database builds it once per
    statement. (Asked the other way round, "is a prefix of my path a matching
    page", no index helps, and SQLite read the whole page table for every page
    it checked: 43 s to list 10,000 paintings.) In treebeard's paths an
    ancestor's path is a prefix of its descendants' paths.
    """
    parents = Page.objects.filter(condition, numchild__gt=0).order_by().values("path")
    parents_sql, params = parents.query.sql_with_params()
    # The ORM cannot join a table to itself on a prefix; the SQL is the ORM's own
    # with its parameters, and the table name, nothing from a request. CROSS JOIN
    # keeps SQLite from walking every page's descendants before it knows which
    # pages match.
    table = Page._meta.db_table
    under_a_match = RawSQL(  # noqa: S611
        f"SELECT descendant.id FROM ({parents_sql}) parent CROSS JOIN {table} descendant"  # noqa: S608
        " WHERE descendant.path > parent.path AND descendant.path LIKE parent.path || '%%'",
        params,
    )
    return ~condition & ~Q(pk__in=under_a_match)


def visible_condition():
    """True where a visitor could open the page: live, public, under live pages."""
    hidden = Q(live=False) | Q(view_restrictions__isnull=False)
    return Q(live=True) & no_ancestor_or_self(hidden)


class VisiblePageQuerySet(PageQuerySet):
    def reachable(self):
        """Live, and under live pages only (Wagtail's `live()` checks the page alone)."""
        return self.live().filter(no_ancestor_or_self(Q(live=False)))

    def visible(self):
        """Reachable and public: what a visitor could open without a password or login."""
        return self.filter(visible_condition())


VisiblePageManager = PageManager.from_queryset(VisiblePageQuerySet)


class PaintingQuerySet(VisiblePageQuerySet):
    """Paintings with what decides whether they can be bought, in the same query.

    `sale_status` comes from shop.sale_status, the one place that decides it.
    """

    def with_sale_status(self, now=None):
        if "sale_status" in self.query.annotations:
            return self
        expression = sale_status_expression(visible=visible_condition(), now=now or timezone.now())
        return self.annotate(sale_status=expression)

    def buyable(self):
        """What a visitor could put in the cart and pay for right now."""
        return self.with_sale_status().filter(sale_status=SaleStatus.AVAILABLE)

    def for_cards(self):
        """What a painting card shows but its sale status (the search backend, which
        takes no annotations, gets this; see attach_sale_statuses)."""
        return self.select_related("medium", "sale_state").prefetch_related(
            Prefetch("image", queryset=images_with_renditions(CARD_IMAGE))
        )

    def with_card_data(self):
        """Everything a painting card shows, in a fixed number of queries."""
        return self.for_cards().with_sale_status()


PaintingManager = PageManager.from_queryset(PaintingQuerySet)


def attach_visible_sale_statuses(paintings):
    """Sets the sale status of paintings taken from `visible()` and loaded without it
    (the search backend takes no annotations), from their sale state, with no query."""
    now = timezone.now()
    paintings = list(paintings)
    for painting in paintings:
        try:
            state = painting.sale_state  # select_related by for_cards()
        except ObjectDoesNotExist:
            state = None
        painting.sale_status = sale_status_of(
            visible=True, for_sale=painting.for_sale, price=painting.price, state=state, now=now
        )
    return paintings


def all_pages():
    """Pages of any type, with `reachable()` and `visible()`."""
    return VisiblePageQuerySet(Page)
