"""The home page: hero, featured series, selected paintings, latest journal notes."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.url_routing import RouteResult

from ..images import (
    CARD_IMAGE,
    HERO_IMAGE,
    SHARE_IMAGE_SPEC,
    attach_images,
    image_field,
)
from ..prepared import PreparedQuery
from ..query import VisiblePageManager, all_pages
from .collections import CollectionPage
from .journal import ArticlePage
from .mixins import LiveRouteMixin, SeoMixin
from .paintings import PaintingPage

# The journal's newest notes the home page shows.
LATEST_ARTICLE_COUNT = 3


class HomePage(LiveRouteMixin, SeoMixin, Page):
    objects = VisiblePageManager()

    hero_image = image_field()
    hero_heading = models.CharField(max_length=120, blank=True)
    hero_text = models.TextField(blank=True)
    hero_cta_text = models.CharField("call to action", max_length=60, blank=True)
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    featured_collection = models.ForeignKey(
        "gallery.CollectionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldRowPanel([FieldPanel("hero_cta_text"), FieldPanel("hero_cta_page")]),
            ],
            heading="Hero",
        ),
        FieldPanel("featured_collection"),
        InlinePanel("featured_paintings", label="Featured paintings", max_num=12),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    main_image_field = "hero_image"

    def route(self, request, path_components):
        """Finds a descendant by its URL in one query instead of two per level.

        Only pages under live pages are served: the admin can unpublish a
        collection and leave its paintings live. View restrictions are Wagtail's
        to check when serving. The parent comes in the same query, for the
        page's breadcrumb.
        """
        if not path_components:
            return super().route(request, path_components)
        parent_path = self.url_path + "".join(f"{part}/" for part in path_components[:-1])
        url_path = f"{parent_path}{path_components[-1]}/"
        found = {
            page.url_path: page
            for page in ROUTED_PAGES(
                parent_path=parent_path,
                url_path=url_path,
                parent_slug=path_components[-2] if len(path_components) > 1 else "",
                slug=path_components[-1],
            )
        }
        parent = self if parent_path == self.url_path else found.get(parent_path)
        if url_path not in found or parent is None:
            # Not a page at that address: Wagtail's own level-by-level walk, so a
            # page's sub-routes (RoutablePageMixin) keep working; LiveRouteMixin
            # still refuses to walk through an unpublished page.
            return super().route(request, path_components)
        page = found[url_path].specific
        # treebeard's get_parent() returns this cached parent without a query.
        page._cached_parent_obj = parent
        return RouteResult(page)

    def get_featured_paintings(self):
        return FEATURED_PAINTINGS(home_id=self.pk, now=timezone.now())

    def vary_selection(self, paintings, featured_collection=None):
        """The selected paintings in an order that keeps the home page varied.

        Above the selection stand the hero and the featured series; a selection
        that starts with more of the same reads as one long run of one kind of
        picture. So the hero's own painting and paintings of the featured series
        (and of the hero's series, when the hero is one of the selection's
        pictures) go to the end, and no two neighbours come from the same
        collection where another can stand between them. Otherwise the artist's
        order holds. Works on the loaded pages (tree paths), without a query.
        """
        step = Page.steplen

        def collection_path(painting):
            return painting.path[:-step]

        repeated_paths = set()
        if featured_collection is not None:
            repeated_paths.add(featured_collection.path)
        hero_paintings = [p for p in paintings if p.image_id and p.image_id == self.hero_image_id]
        repeated_paths.update(collection_path(p) for p in hero_paintings)

        fresh = [p for p in paintings if collection_path(p) not in repeated_paths]
        repeated = [
            p for p in paintings if collection_path(p) in repeated_paths and p not in hero_paintings
        ]
        return alternate_collections(fresh, collection_path) + repeated + hero_paintings

    def get_featured_collection(self):
        if not self.featured_collection_id:
            return None
        return next(iter(VISIBLE_COLLECTION(pk=self.featured_collection_id)), None)

    def get_latest_articles(self):
        return LATEST_ARTICLES()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        collection = self.get_featured_collection()
        paintings = self.vary_selection(self.get_featured_paintings(), collection)
        articles = self.get_latest_articles()
        # The hero and every card share one image query and one rendition query.
        attach_images(
            [(self, "hero_image")]
            + [(p, "image") for p in paintings]
            + [(a, "cover_image") for a in articles]
            + ([(collection, "cover_image")] if collection else []),
            CARD_IMAGE,
            HERO_IMAGE,
            SHARE_IMAGE_SPEC,
        )
        context.update(
            featured_paintings=paintings,
            featured_collection=collection,
            latest_articles=articles,
        )
        return context


def featured_paintings(home_id, now=None):
    """The home page's selected paintings a visitor could open, in the artist's
    order, with what their cards show but images."""
    return (
        PaintingPage.objects.visible()
        .filter(home_features__page=home_id)
        .order_by("home_features__sort_order")
        .with_sale_status(now)
        .with_prints_from(now)
    )


def routed_pages(parent_path, url_path, parent_slug, slug):
    """The page at `url_path` and its parent, if reachable (HomePage.route)."""
    return (
        all_pages()
        .reachable()
        # The slugs let the index on `slug` find them (`url_path` has none).
        .filter(url_path__in=[parent_path, url_path], slug__in=[parent_slug, slug])
    )


ROUTED_PAGES = PreparedQuery(routed_pages, parent_path=str, url_path=str, parent_slug=str, slug=str)
FEATURED_PAINTINGS = PreparedQuery(featured_paintings, home_id=int, now=datetime)
VISIBLE_COLLECTION = PreparedQuery(
    lambda pk: CollectionPage.objects.visible().filter(pk=pk), pk=int
)
LATEST_ARTICLES = PreparedQuery(
    lambda: ArticlePage.objects.visible().order_by("-date", "-pk")[:LATEST_ARTICLE_COUNT]
)


def alternate_collections(paintings, collection_of):
    """The paintings in their order, except that where two neighbours share a
    collection, the next painting from another collection moves up between them."""
    waiting = list(paintings)
    ordered = []
    while waiting:
        previous = collection_of(ordered[-1]) if ordered else None
        index = next(
            (i for i, painting in enumerate(waiting) if collection_of(painting) != previous), 0
        )
        ordered.append(waiting.pop(index))
    return ordered


class HomePageFeaturedPainting(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_paintings")
    painting = models.ForeignKey(
        "gallery.PaintingPage", on_delete=models.CASCADE, related_name="home_features"
    )

    panels = [FieldPanel("painting")]
