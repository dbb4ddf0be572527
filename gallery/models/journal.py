"""The journal and its articles."""

from django.core.paginator import Paginator
from django.core.validators import slug_unicode_re
from django.db import models
from django.db.models import Prefetch
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import BodyBlock
from ..images import (
    CARD_IMAGE,
    image_field,
    images_with_renditions,
)
from ..query import VisiblePageManager
from .mixins import LiveRouteMixin, SeoMixin, StreamBodyMixin

TAG_SLUG_LENGTH = 100  # taggit's Tag.slug


class JournalIndexPage(LiveRouteMixin, SeoMixin, Page):
    objects = VisiblePageManager()

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["gallery.HomePage"]
    subpage_types = ["gallery.ArticlePage"]

    articles_per_page = 10

    def get_articles(self, tag=None):
        articles = ArticlePage.objects.visible().child_of(self).order_by("-date", "-pk")
        if tag:
            articles = articles.filter(tags__slug=tag)
        return ArticlePage.with_card_data(articles)

    def get_tags(self):
        """Tags used by the visible articles, in one query (for the filter links)."""
        articles = ArticlePage.objects.visible().child_of(self)
        return (
            Tag.objects.filter(gallery_articlepagetag_items__content_object__in=articles)
            .distinct()
            .order_by("name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tag = request.GET.get("tag", "").strip()
        if not slug_unicode_re.match(tag) or len(tag) > TAG_SLUG_LENGTH:
            # No tag has that slug: the link is ignored, as the search ignores a
            # bad filter (and PostgreSQL refuses a NUL byte in a query).
            tag = ""
        context["current_tag"] = tag
        context["articles"] = Paginator(self.get_articles(tag), self.articles_per_page).get_page(
            request.GET.get("page")
        )
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "gallery.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(StreamBodyMixin, SeoMixin, Page):
    objects = VisiblePageManager()

    date = models.DateField("article date")
    intro = models.CharField(max_length=300, blank=True)
    cover_image = image_field()
    body = StreamField(BodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["gallery.JournalIndexPage"]
    subpage_types = []

    main_image_field = "cover_image"

    @classmethod
    def with_card_data(cls, queryset):
        return queryset.prefetch_related(
            Prefetch("cover_image", queryset=images_with_renditions(CARD_IMAGE))
        )

    def get_meta_description(self):
        return self.search_description or self.intro
