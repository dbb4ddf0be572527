"""The gallery index and its collections (series of paintings)."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from shop.models import ShopSettings

from ..filters import PaintingFilterForm, filter_paintings
from ..images import (
    CARD_IMAGE,
    SHARE_IMAGE_SPEC,
    attach_images,
    image_field,
    images_with_renditions,
)
from ..query import VisiblePageManager
from .mixins import LiveRouteMixin, SeoMixin
from .paintings import PaintingPage


class GalleryIndexPage(LiveRouteMixin, SeoMixin, Page):
    objects = VisiblePageManager()

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["gallery.HomePage"]
    subpage_types = ["gallery.CollectionPage"]

    def get_collections(self):
        return (
            CollectionPage.objects.visible()
            .child_of(self)
            .prefetch_related(Prefetch("cover_image", queryset=images_with_renditions(CARD_IMAGE)))
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["collections"] = self.get_collections()
        return context


class CollectionPage(LiveRouteMixin, SeoMixin, Page):
    """A series of paintings."""

    objects = VisiblePageManager()

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    cover_image = image_field()
    year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        FieldRowPanel([FieldPanel("year_start"), FieldPanel("year_end")], heading="Years"),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["gallery.GalleryIndexPage"]
    subpage_types = ["gallery.PaintingPage"]

    main_image_field = "cover_image"

    paintings_per_page = 24

    def clean(self):
        super().clean()
        if self.year_start and self.year_end and self.year_end < self.year_start:
            raise ValidationError({"year_end": "The series cannot end before it starts."})

    @property
    def years(self):
        if self.year_start and self.year_end and self.year_start != self.year_end:
            return f"{self.year_start}–{self.year_end}"
        return str(self.year_start or self.year_end or "")

    def get_paintings(self):
        """The paintings of this series a visitor could open, with what their cards
        show but images."""
        return (
            PaintingPage.objects.visible()
            .child_of(self)
            .with_sale_status()
            .with_prints_from()
            .select_related("medium", "sale_state")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        shop_settings = ShopSettings.for_request(request)
        filter_form = PaintingFilterForm(
            request.GET, shop_settings=shop_settings, default_sort_label="Artist's order"
        )
        paintings = filter_paintings(self.get_paintings(), filter_form.filters, shop_settings)
        paintings = Paginator(paintings, self.paintings_per_page).get_page(request.GET.get("page"))
        # The cover (shared as og:image) and the cards' images: two queries in all.
        attach_images(
            [(painting, "image") for painting in paintings] + [(self, "cover_image")],
            CARD_IMAGE,
            SHARE_IMAGE_SPEC,
        )
        context["paintings"] = paintings
        context["filter_form"] = filter_form
        return context
