"""Site search: paintings (filterable), journal articles, and other pages.

The database search backend only accepts filters on a model's declared
FilterFields inside `.search()`, and the painting filters reach into the shop
(sale state) and compare columns (size, orientation), as "visible" looks at a
page's ancestors. So those filters run as an ordinary ORM query, and the text
search is restricted to its result through `id`, which Page declares as a
FilterField. Relevance, counting and slicing
all stay in the database, whatever the number of matches.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.search.backends import get_search_backend
from wagtail.search.utils import normalise_query_string

from gallery.filters import RELEVANCE, filter_paintings, painting_ordering
from gallery.models import ArticlePage, CollectionPage, PaintingPage
from gallery.query import all_pages, attach_visible_sale_statuses
from shop.models import ShopSettings

from .forms import SearchForm, search_terms

PAINTINGS_PER_PAGE = 24
OTHER_RESULTS_SHOWN = 10
SUGGESTED_COLLECTIONS = 12


@dataclass(frozen=True)
class CollectionChoice:
    """What the collection filter needs of a collection: its title to list, and
    its place in the tree to filter by (`child_of`). A large gallery has hundreds
    of collections; loading each as a page object cost ~20 ms a search."""

    pk: int
    title: str
    path: str
    depth: int

    def __str__(self):
        return self.title


def collection_choices():
    """The visible collections, in the tree's order, in one query."""
    rows = CollectionPage.objects.visible().order_by("path")
    return [CollectionChoice(*row) for row in rows.values_list("pk", "title", "path", "depth")]


def search_paintings(terms, paintings, filters, shop_settings):
    """The paintings that pass the filters, and match the search terms if any,
    with their card data (the search fetches its hits from the queryset given)."""
    paintings = filter_available(paintings, filters)
    paintings = filter_paintings(paintings, {**filters, "available": False}, shop_settings)
    if terms is None:
        return paintings.with_card_data()
    # "Prints from" is a plain annotation, which the search backends keep on their hits.
    matching = among(paintings).for_cards().with_prints_from()
    sort = filters.get("sort") or RELEVANCE
    if sort == RELEVANCE:
        return matching.search(terms)
    return matching.order_by(*painting_ordering(sort)).search(terms, order_by_relevance=False)


def filter_available(paintings, filters):
    """ "Original for sale", "Prints available", or either when both are ticked."""
    original, prints = filters.get("available"), filters.get("prints")
    if original and prints:
        return paintings.buyable_or_prints_left()
    if original:
        return paintings.buyable()
    if prints:
        return paintings.with_prints_left()
    return paintings


def among(queryset):
    """The same pages, in a form the search backend accepts (see above). The
    project's SQLite backend takes them as they are, and then checks the filters
    on the matching pages alone, not on every page (search/backends/sqlite.py)."""
    if getattr(get_search_backend(), "searches_any_queryset", False):
        return queryset
    return queryset.model.objects.filter(id__in=queryset.values("id"))


def top_results(results):
    """The best few results, and whether there are more (without counting them all)."""
    items = list(results[: OTHER_RESULTS_SHOWN + 1])
    return {"items": items[:OTHER_RESULTS_SHOWN], "more": len(items) > OTHER_RESULTS_SHOWN}


def promoted_results(query_string):
    """The artist's picks for this query (Search promotions in the admin)."""
    return list(
        SearchPromotion.objects.filter(query__query_string=query_string)
        .filter(Q(page__isnull=True) | Q(page__in=all_pages().visible()))
        .select_related("page")
        .order_by("sort_order")
    )


def log_query(query_string):
    """Count a hit in Wagtail's query log (Reports → Search terms).

    A query already searched today costs one UPDATE; the first search of the
    day takes Wagtail's own path, which creates the rows it needs.
    """
    counted = QueryDailyHits.objects.filter(
        query__query_string=query_string, date=timezone.now().date()
    ).update(hits=F("hits") + 1)
    if not counted:
        Query.get(query_string).add_hit()


def search(request):
    shop_settings = ShopSettings.for_request(request)
    form = SearchForm(
        request.GET,
        shop_settings=shop_settings,
        collections=collection_choices(),
    )
    filters = form.filters
    query = filters.get("q", "")
    query_string = normalise_query_string(query)
    # A query of punctuation only has no terms, and so matches nothing.
    terms = search_terms(query) if query else None
    context = {
        "form": form,
        "search_query": query,
        "has_filters": form.has_active_filters,
        "notices": form.notices,
        "paintings": None,
        "promotions": [],
        "articles": None,
        "other_pages": None,
    }

    # Any filter control in the request (even left empty, as "Show paintings"
    # sends them) means the visitor is browsing paintings.
    browsing = any(name in request.GET for name in form.fields if name != "q")

    first_page = True
    if query or browsing:
        paintings = search_paintings(terms, PaintingPage.objects.visible(), filters, shop_settings)
        page = Paginator(paintings, PAINTINGS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = attach_visible_sale_statuses(page.object_list)
        context["paintings"] = page
        first_page = page.number == 1

    # Picks, articles and other pages go with the first page of paintings;
    # later pages only page through paintings, and are not new hits in the log.
    if query_string and first_page:
        log_query(query_string)
        context["promotions"] = promoted_results(query_string)
        context["articles"] = top_results(among(ArticlePage.objects.visible()).search(terms))
        context["other_pages"] = top_results(
            among(all_pages().visible().not_type(PaintingPage, ArticlePage)).search(terms)
        )

    context["found_nothing"] = context["paintings"] is not None and not (
        context["paintings"].paginator.count
        or context["promotions"]
        or (context["articles"] and context["articles"]["items"])
        or (context["other_pages"] and context["other_pages"]["items"])
    )
    if context["found_nothing"]:
        context["suggested_collections"] = (CollectionPage.objects.visible().order_by("path"))[
            :SUGGESTED_COLLECTIONS
        ]

    return TemplateResponse(request, "search/search.html", context)
