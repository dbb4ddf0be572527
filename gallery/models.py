"""The artist's content: pages she edits in the Wagtail admin.

Sale state (available / reserved / sold) is deliberately not here: pages are
revisioned, and reverting a draft must never un-sell a painting. It lives in
the shop app, keyed by the painting page.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_unicode_re
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.url_routing import RouteResult

from .blocks import BodyBlock
from .query import VisiblePageManager, all_pages

CM_PER_INCH = Decimal("2.54")
TAG_SLUG_LENGTH = 100  # taggit's Tag.slug

# Rendition specs used by the templates. List pages prefetch exactly these, so
# a card never costs a query of its own.
CARD_IMAGE = ("format-{webp,jpeg}", "width-{400,800}")
HERO_IMAGE = ("format-{webp,jpeg}", "width-{800,1600,2400}")
PAINTING_IMAGE = ("format-{webp,jpeg}", "max-{800x800,1400x1400,2000x2000}")
THUMB_IMAGE = ("format-{webp,jpeg}", "fill-{160x160,320x320}")
SHARE_IMAGE_SPEC = ("fill-1200x630", "format-jpeg")
SHARE_IMAGE = "|".join(SHARE_IMAGE_SPEC)


def rendition_specs(*spec_groups):
    specs = []
    for group in spec_groups:
        specs.extend(Filter.expand_spec(list(group)))
    return specs


def images_with_renditions(*spec_groups):
    """An image queryset that brings the given renditions along in one query."""
    return get_image_model().objects.prefetch_renditions(*rendition_specs(*spec_groups))


def attach_images(objects_and_fields, *spec_groups):
    """Loads the images of many objects (of any kind), with renditions, in two queries."""
    wanted = {getattr(obj, f"{field}_id") for obj, field in objects_and_fields} - {None}
    images = images_with_renditions(*spec_groups).filter(pk__in=wanted)
    images = {image.pk: image for image in images}
    for obj, field in objects_and_fields:
        setattr(obj, field, images.get(getattr(obj, f"{field}_id")))


def prefetch_renditions_of(images, *spec_groups):
    """Attaches these renditions to already loaded images, in one query for them all."""
    images = [image for image in images if image is not None]
    if images:
        renditions = (
            get_image_model()
            .get_rendition_model()
            .objects.filter(filter_spec__in=rendition_specs(*spec_groups))
        )
        prefetch_related_objects(images, Prefetch("renditions", queryset=renditions))


class StreamBodyMixin:
    """Pages with a StreamField `body`: all of its pictures' renditions in one query."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        images = [getattr(self, self.main_image_field)] if self.main_image_field else []
        for block in self.body:
            if block.block_type == "image":
                images.append(block.value["image"])
            elif block.block_type == "painting" and block.value["painting"]:
                images.append(block.value["painting"].image)
        prefetch_renditions_of(images, CARD_IMAGE, PAINTING_IMAGE, SHARE_IMAGE_SPEC)
        return context


def image_field():
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@register_snippet
class Medium(models.Model):
    """Oil, acrylic, watercolour, …: a list the artist extends in the admin."""

    name = models.CharField(max_length=80, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "media"

    def __str__(self):
        return self.name


@register_setting(icon="user")
class GallerySettings(BaseSiteSetting):
    artist_name = models.CharField(max_length=120, default="The Artist")
    tagline = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    instagram_url = models.URLField(blank=True)
    facebook_url = models.URLField(blank=True)
    pinterest_url = models.URLField(blank=True)
    footer_text = models.CharField(max_length=300, blank=True)

    panels = [
        FieldPanel("artist_name"),
        FieldPanel("tagline"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [FieldPanel("instagram_url"), FieldPanel("facebook_url"), FieldPanel("pinterest_url")],
            heading="Social links",
        ),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = "gallery settings"

    @property
    def social_links(self):
        links = [
            ("Instagram", self.instagram_url),
            ("Facebook", self.facebook_url),
            ("Pinterest", self.pinterest_url),
        ]
        return [(name, url) for name, url in links if url]


class SeoMixin:
    """What the base template needs for meta, OpenGraph and Twitter tags.

    Each page loads its main image in get_context, together with whatever
    else it shows, and the renditions the share tag needs (SHARE_IMAGE_SPEC).
    """

    main_image_field = None

    def get_share_image(self):
        return getattr(self, self.main_image_field) if self.main_image_field else None

    def get_meta_description(self):
        return self.search_description or ""


class LiveRouteMixin:
    """Routes through this page only while it is live.

    Wagtail's level-by-level walk checks only the page it ends on, so a page
    under an unpublished one would be served (HomePage.route checks all levels
    in its own query; this covers a site rooted below the home page).
    """

    def route(self, request, path_components):
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)


class HomePage(SeoMixin, Page):
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
        """Finds a descendant by its URL in two queries instead of two per level.

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
            for page in all_pages().reachable().filter(url_path__in=[parent_path, url_path])
        }
        parent = self if parent_path == self.url_path else found.get(parent_path)
        if url_path not in found or parent is None:
            raise Http404
        page = found[url_path].specific
        # treebeard's get_parent() returns this cached parent without a query.
        page._cached_parent_obj = parent
        return RouteResult(page)

    def get_featured_paintings(self):
        return list(
            PaintingPage.objects.visible()
            .filter(home_features__page=self)
            .order_by("home_features__sort_order")
            .select_related("medium", "sale_state")
        )

    def get_featured_collection(self):
        if not self.featured_collection_id:
            return None
        return CollectionPage.objects.visible().filter(pk=self.featured_collection_id).first()

    def get_latest_articles(self, count=3):
        return list(ArticlePage.objects.visible().order_by("-date", "-pk")[:count])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paintings = self.get_featured_paintings()
        collection = self.get_featured_collection()
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


class HomePageFeaturedPainting(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_paintings")
    painting = models.ForeignKey(
        "gallery.PaintingPage", on_delete=models.CASCADE, related_name="home_features"
    )

    panels = [FieldPanel("painting")]


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
        return PaintingPage.objects.visible().child_of(self).select_related("medium", "sale_state")

    def get_context(self, request, *args, **kwargs):
        # Imported here: search.filters imports this module.
        from search.filters import PaintingFilterForm, filter_paintings
        from shop.models import ShopSettings

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


class PaintingPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "gallery.PaintingPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PaintingPage(SeoMixin, Page):
    objects = VisiblePageManager()

    SUPPORT_CHOICES = [
        ("canvas", "Canvas"),
        ("linen", "Linen"),
        ("paper", "Paper"),
        ("board", "Board"),
        ("panel", "Wood panel"),
        ("other", "Other"),
    ]

    image = image_field()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    medium = models.ForeignKey(
        Medium, null=True, blank=True, on_delete=models.SET_NULL, related_name="paintings"
    )
    support = models.CharField(max_length=20, choices=SUPPORT_CHOICES, blank=True)
    width_cm = models.DecimalField("width (cm)", max_digits=6, decimal_places=1)
    height_cm = models.DecimalField("height (cm)", max_digits=6, decimal_places=1)
    depth_cm = models.DecimalField(
        "depth (cm)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    framed = models.BooleanField(default=False)
    signed = models.BooleanField(default=True)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="In the shop currency. Leave empty to show 'price on request'.",
    )
    for_sale = models.BooleanField(
        "offered for sale",
        default=True,
        help_text="Untick to show the painting without selling it.",
    )
    description = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    tags = ClusterTaggableManager(through=PaintingPageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("image"),
        InlinePanel("gallery_images", label="More images (details, on the wall)"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("year"), FieldPanel("medium"), FieldPanel("support")]),
                FieldRowPanel(
                    [FieldPanel("width_cm"), FieldPanel("height_cm"), FieldPanel("depth_cm")]
                ),
                FieldRowPanel([FieldPanel("framed"), FieldPanel("signed")]),
            ],
            heading="The work",
        ),
        MultiFieldPanel([FieldPanel("price"), FieldPanel("for_sale")], heading="Sale"),
        FieldPanel("description"),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("description"),
        index.SearchField("support"),
        index.RelatedFields("medium", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("year"),
        index.FilterField("price"),
        index.FilterField("for_sale"),
        index.FilterField("medium"),
        index.FilterField("width_cm"),
        index.FilterField("height_cm"),
    ]

    parent_page_types = ["gallery.CollectionPage"]
    subpage_types = []

    main_image_field = "image"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("width_cm", "height_cm", "depth_cm"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = "Must be more than zero."
        if self.price is not None and self.price < 0:
            errors["price"] = "A price cannot be negative."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def with_card_data(cls, queryset):
        """Everything a painting card shows, in a fixed number of queries."""
        return queryset.select_related("medium", "sale_state").prefetch_related(
            Prefetch("image", queryset=images_with_renditions(CARD_IMAGE))
        )

    @property
    def size_cm(self):
        dims = [self.width_cm, self.height_cm] + ([self.depth_cm] if self.depth_cm else [])
        return " × ".join(f"{d.normalize():f}" for d in dims) + " cm"

    @property
    def size_in(self):
        dims = [self.width_cm, self.height_cm] + ([self.depth_cm] if self.depth_cm else [])
        return " × ".join(f"{(d / CM_PER_INCH).quantize(Decimal('0.1'))}" for d in dims) + " in"

    @property
    def medium_label(self):
        parts = [self.medium.name if self.medium_id else "", self.get_support_display()]
        return " on ".join(p for p in parts if p).capitalize() if any(parts) else ""

    @cached_property
    def sale_status(self):
        """'available', 'reserved', 'sold' or 'not_for_sale' (from the shop's state)."""
        from shop.availability import status_of

        return status_of(self)

    @property
    def sale_status_label(self):
        from shop.availability import LABELS

        return LABELS[self.sale_status]

    def get_meta_description(self):
        if self.search_description:
            return self.search_description
        return f"{self.title}, {self.year or ''} — {self.medium_label}, {self.size_cm}.".replace(
            ",  —", " —"
        )

    def load_details(self):
        """What the painting page shows beyond the page itself, in few queries.

        Routing loads the bare page: the medium and sale state come in one
        query, and the main image with the gallery's images (and every
        rendition the template and share tags use) in two more.
        """
        loaded = PaintingPage.objects.select_related("medium", "sale_state").get(pk=self.pk)
        self._state.fields_cache.update(loaded._state.fields_cache)
        gallery = list(self.gallery_images.all())
        attach_images(
            [(self, "image")] + [(item, "image") for item in gallery],
            PAINTING_IMAGE,
            THUMB_IMAGE,
            SHARE_IMAGE_SPEC,
        )
        return gallery

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["gallery_images"] = self.load_details()
        context["collection"] = self.get_parent()
        return context


class PaintingGalleryImage(Orderable):
    page = ParentalKey(PaintingPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


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


class StandardPage(LiveRouteMixin, StreamBodyMixin, SeoMixin, Page):
    """About, shipping & returns, privacy, …"""

    objects = VisiblePageManager()

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["gallery.HomePage", "gallery.StandardPage"]
    subpage_types = ["gallery.StandardPage"]

    def get_meta_description(self):
        return self.search_description or self.intro


class ContactFormField(AbstractFormField):
    page = ParentalKey("gallery.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


HONEYPOT_FIELD = "website"


class HoneypotFormBuilder(FormBuilder):
    """Adds a field people never see; bots that fill every input fill it too."""

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        return form_class


class ContactPage(SeoMixin, AbstractEmailForm):
    """Commission enquiries: stored, and e-mailed to the artist."""

    objects = VisiblePageManager()

    form_builder = HoneypotFormBuilder

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="E-mail",
        ),
    ]

    parent_page_types = ["gallery.HomePage"]
    subpage_types = []
    max_count = 1

    def process_form_submission(self, form):
        if form.cleaned_data.get(HONEYPOT_FIELD):
            # Looks like a success to the bot; nothing is stored or sent.
            return None
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        form.fields.pop(HONEYPOT_FIELD, None)
        return super().process_form_submission(form)
