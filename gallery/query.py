"""Which pages a visitor could open.

Wagtail's `live()` looks at the page alone. A visitor cannot open a page that
is unpublished, under an unpublished page, or in a section with a view
restriction (password, login, groups) until they pass it. Listings, search,
the sitemap and the shop offer only `visible()` pages; routing serves
`reachable()` ones and leaves view restrictions to Wagtail's own check.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet

from shop.sale_status import SaleStatus, sale_status_expression, sale_status_of

from .images import CARD_IMAGE, images_with_renditions

# Pages down to this depth (a site is rarely deeper than five levels) find their
# ancestors by exact path, through the index on `path`; deeper ones fall back to a
# prefix comparison with every page, which no index can serve.
INDEXED_ANCESTOR_DEPTH = 12


class NoHiddenAncestorOrSelf(Expression):
    """True where neither the page nor an ancestor is unpublished (nor, with
    `restricted=True`, under a view restriction): one SQL condition, no extra query.

    In treebeard's paths an ancestor's path is a prefix of its descendants', one
    `steplen` per level, so a page's own path names all its ancestors: a few index
    look-ups per page whatever the size of the tree. Written as SQL text here
    because the same condition built from ORM expressions cost more to compile,
    on every request, than the database took to run it.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, restricted, path=None):
        super().__init__()
        self.restricted = restricted
        self.path = path if path is not None else F("path")

    def get_source_expressions(self):
        return [self.path]

    def set_source_expressions(self, exprs):
        (self.path,) = exprs

    def as_sql(self, compiler, connection):
        """The paths of hidden pages are read once per statement, as a set (SQLite
        keeps it as a temporary index), and each of the page's ancestors, one per
        level down to its own depth, is looked up in it: a few comparisons per page.
        The planner is led from the (few) view restrictions to their pages, and
        finds unpublished pages through the partial index on their paths (the
        search app's migrations 0002 and 0003)."""
        path, params = compiler.compile(self.path)
        quote = connection.ops.quote_name
        pages = f"{quote(Page._meta.db_table)} h"
        hidden = f"SELECT h.{quote('path')} FROM {pages} WHERE NOT h.{quote('live')}"  # noqa: S608 - names from the models, values as parameters
        if self.restricted:
            hidden += (
                f" UNION ALL SELECT (SELECT h.{quote('path')} FROM {pages}"  # noqa: S608 - names from the models, values as parameters
                f" WHERE h.{quote('id')} = r.{quote('page_id')})"
                f" FROM {quote(PageViewRestriction._meta.db_table)} r"
            )
        step = Page.steplen
        checks = [f"SUBSTR({path}, 1, {step}) NOT IN ({hidden})"] + [
            f"(LENGTH({path}) < {length} OR SUBSTR({path}, 1, {length}) NOT IN ({hidden}))"
            for length in range(2 * step, step * INDEXED_ANCESTOR_DEPTH + 1, step)
        ]
        longest = step * INDEXED_ANCESTOR_DEPTH
        deeper = (
            f"(LENGTH({path}) <= {longest} OR NOT EXISTS (SELECT 1 FROM ({hidden}) d"  # noqa: S608 - names from the models, values as parameters
            f" WHERE d.{quote('path')} = SUBSTR({path}, 1, LENGTH(d.{quote('path')}))))"
        )
        # The path appears once at the first level, twice at each further one,
        # then twice in the fallback for deeper pages.
        uses = 1 + 2 * (INDEXED_ANCESTOR_DEPTH - 1) + 2
        return "(" + " AND ".join([*checks, deeper]) + ")", tuple(params) * uses

    def as_postgresql(self, compiler, connection):
        """The same condition in a form PostgreSQL checks in microseconds per page
        (a search checks it for every match): the ancestors are looked up among
        unpublished pages only, through the partial index on their paths (the
        search app's migration 0002), and the view restrictions, a handful on any
        site, are compared by path prefix, without reading each ancestor's row."""
        path, params = compiler.compile(self.path)
        quote = connection.ops.quote_name
        pages = f"{quote(Page._meta.db_table)} h"
        unpublished = f"NOT h.{quote('live')}"
        step = Page.steplen
        ancestors = ", ".join(
            f"SUBSTR({path}, 1, {step * depth})" for depth in range(1, INDEXED_ANCESTOR_DEPTH + 1)
        )
        longest = step * INDEXED_ANCESTOR_DEPTH
        sql = (
            f"NOT EXISTS (SELECT 1 FROM {pages} WHERE {unpublished}"  # noqa: S608 - names from the models, values as parameters
            f" AND h.{quote('path')} IN ({ancestors}))"
            f" AND (LENGTH({path}) <= {longest} OR NOT EXISTS (SELECT 1 FROM {pages}"
            f" WHERE {unpublished}"
            f" AND h.{quote('path')} = SUBSTR({path}, 1, LENGTH(h.{quote('path')}))))"
        )
        uses = INDEXED_ANCESTOR_DEPTH + 2
        if self.restricted:
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM {quote(PageViewRestriction._meta.db_table)} r"  # noqa: S608 - names from the models, values as parameters
                f" JOIN {pages} ON h.{quote('id')} = r.{quote('page_id')}"
                f" WHERE STARTS_WITH({path}, h.{quote('path')}))"
            )
            uses += 1
        return f"({sql})", tuple(params) * uses


def visible_condition():
    """True where a visitor could open the page: live, public, under live pages."""
    return Q(live=True) & NoHiddenAncestorOrSelf(restricted=True)


class VisiblePageQuerySet(PageQuerySet):
    def reachable(self):
        """Live, and under live pages only (Wagtail's `live()` checks the page alone)."""
        return self.live().filter(NoHiddenAncestorOrSelf(restricted=False))

    def visible(self):
        """Reachable and public: what a visitor could open without a password or login."""
        return self.filter(visible_condition())

    def with_on_show(self):
        """`on_show`: would `visible()` keep the page? For what must keep hidden pages
        (a stream's chosen paintings, which the admin still edits) yet never show them."""
        return self.annotate(
            on_show=ExpressionWrapper(visible_condition(), output_field=BooleanField())
        )


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
        return self.for_cards().with_sale_status().with_prints_from()

    def _editions(self):
        # The PrintEdition model through the relation: gallery.models imports this module.
        return self.model._meta.get_field("editions").related_model.objects

    def with_prints_from(self, now=None):
        """Annotates `prints_from`: the lowest price of an offered edition with a free
        number (None when no print can be bought), as a subquery."""
        return self.annotate(prints_from=self._editions().lowest_price_left(OuterRef("pk"), now))

    def _prints_left(self, now=None):
        return Exists(self._editions().left_of(OuterRef("pk"), now))

    def with_prints_left(self, now=None):
        """Paintings of which a print can be bought now (an offered edition with a free number)."""
        return self.filter(self._prints_left(now))

    def buyable_or_prints_left(self):
        """Paintings whose original, or a print of it, can be bought now."""
        return self.with_sale_status().filter(
            Q(sale_status=SaleStatus.AVAILABLE) | Q(self._prints_left())
        )


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


# Above every path under a page: treebeard's alphabet ends with "Z" and a path
# is at most 255 characters.
PATH_CEILING = "Z" * 255


def child_of(parent):
    """A filter() condition: the page is a child of `parent`, found one index seek
    per child.

    `path LIKE 'parent%' AND depth = n` (treebeard's children, Wagtail's menus)
    cannot use the index on `path`: it reads every page below the parent, all
    10,000 paintings under a site's home page. Here each child is the smallest
    path after the previous child's whole subtree, which the index finds at once.
    """
    return path_among(*child_paths_sql(*child_path_bounds(parent.path)))


def child_path_bounds(path):
    """(path, the end of its subtree, the length of its children's paths)."""
    return path, path + PATH_CEILING, len(path) + Page.steplen


def child_or_one_of(path, end, length, page_ids):
    """A filter() condition: the page is a child of the page at `path` (from
    child_path_bounds) or one of `page_ids`. Every value is a parameter, so the
    statement is the same for every parent (gallery.prepared).

    One set of paths: an OR of two conditions (`path IN children OR id IN ids`)
    makes PostgreSQL read every page instead, a cost that grows with the gallery.
    """
    sql, params = child_paths_sql(path, end, length)
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(page_ids))
    sql += (
        f" UNION ALL SELECT {quote('path')} FROM {quote(Page._meta.db_table)}"  # noqa: S608 - names from the model, values as parameters
        f" WHERE {quote('id')} IN ({placeholders})"
    )
    return path_among(sql, (*params, *page_ids))


def child_paths_sql(path, end, length):
    """SQL for the paths of the children of the page at `path`, and its parameters."""
    table = connection.ops.quote_name(Page._meta.db_table)
    column = connection.ops.quote_name("path")
    sql = (
        f"WITH RECURSIVE child(p) AS ("  # noqa: S608 - names from the model, values as parameters
        f"SELECT MIN({column}) FROM {table} WHERE {column} > %s AND {column} <= %s"
        f" UNION ALL SELECT (SELECT MIN(n.{column}) FROM {table} n"
        f" WHERE n.{column} > SUBSTR(child.p, 1, CAST(%s AS INTEGER)) || %s AND n.{column} <= %s)"
        f" FROM child WHERE child.p IS NOT NULL)"
        f" SELECT SUBSTR(p, 1, CAST(%s AS INTEGER)) FROM child WHERE p IS NOT NULL"
    )
    return sql, (path, end, length, PATH_CEILING, end, length)


def path_among(sql, params):
    """A filter() condition: the page's path is one of those `sql` selects.

    On PostgreSQL as `= ANY(ARRAY(…))`: the paths are computed once and each is
    looked up in the index. Given `IN (…)`, the planner guesses a hundred paths
    and may read every page to hash-join them, more often the larger the gallery.
    """
    column = f"{connection.ops.quote_name(Page._meta.db_table)}.{connection.ops.quote_name('path')}"
    if connection.vendor == "postgresql":
        condition = f"{column} = ANY(ARRAY({sql}))"
    else:
        condition = f"{column} IN ({sql})"
    return RawSQL(condition, params, output_field=BooleanField())  # noqa: S611 - values as parameters


def all_pages():
    """Pages of any type, with `reachable()` and `visible()`."""
    return VisiblePageQuerySet(Page)
