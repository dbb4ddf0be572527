"""The builder: turns the demo's content into live Wagtail pages and settings.

Home, gallery index, one collection page per series (repeated for large
demos), paintings, journal and articles, standard pages, the contact form,
the gallery and shop settings and the shipping rates. Pages are published
with a revision, as if from the admin; in a large demo the paintings of a
collection are inserted together (see `add_in_bulk`), without revisions.
"""

import math
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page, Site

from shop.models import ShippingRate, ShopSettings

from ..models import (
    ArticlePage,
    CollectionPage,
    ContactFormField,
    ContactPage,
    GalleryIndexPage,
    GallerySettings,
    HomePage,
    HomePageFeaturedPainting,
    JournalIndexPage,
    Medium,
    PaintingGalleryImage,
    PaintingPage,
    PaintingPageTag,
    PrintEdition,
    StandardPage,
)
from . import texts
from .content import (
    ARTIST_NAME,
    DEPTH_BY_SUPPORT,
    FORMATS,
    GENERAL_NOTES,
    MEDIA_NAMES,
    PRICE_PER_CM2,
    ROMAN_NUMERALS,
    SERIES,
    SHIPPING_RATES,
    SUPPORTS_BY_MEDIUM,
)
from .images import UNIQUE_IMAGES_UP_TO, ImageMaker
from .prints import DemoPrints

PAINTINGS_PER_EXTRA_COLLECTION = 50


class Builder:
    """Builds one demo site; `build()` returns the pages it made, by kind."""

    def __init__(self, paintings, stdout, with_revisions):
        self.painting_count = paintings
        self.stdout = stdout
        self.with_revisions = with_revisions
        self.now = timezone.now()
        self.images = ImageMaker()
        self.media = {}
        self.tag_cache = {}
        self.prints = DemoPrints(self.now)

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # -- Pages --

    def add(self, parent, page, revision=True):
        """Add a live page with a published revision, as if published in the admin."""
        self.prepare(parent, page)
        parent.add_child(instance=page)
        if revision and self.with_revisions:
            self.publish_revision(page)
        return page

    def prepare(self, parent, page):
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = self.now
        # Given here, slug and locale cost no look-ups of their own.
        page.slug = page.slug or slugify(page.title)
        page.locale_id = parent.locale_id

    def add_in_bulk(self, parent, pages):
        """Add many live pages of one type under a new `parent`, in a few queries.

        What treebeard's add_child and Page.save work out one page at a time
        (tree path, URL path, draft title; a query or more each) is set here,
        then every page's row goes in with one INSERT, and its own type's row
        with save_base(raw=True): the way Django loads fixtures, parents left
        alone. No revisions and no per-page validation: the data is made right
        here. Their tags and gallery images (modelcluster children, which
        save_base does not write) go in with one INSERT per kind, and so do their print
        editions.
        """
        depth = parent.depth + 1
        for position, page in enumerate(pages, start=parent.numchild + 1):
            self.prepare(parent, page)
            page.depth, page.numchild = depth, 0
            page.path = parent._get_path(parent.path, depth, position)
            page.url_path = f"{parent.url_path}{page.slug}/"
            page.draft_title = page.title
            page.content_type = ContentType.objects.get_for_model(page)
        Page.objects.bulk_create(pages)
        tagged, children, editions = [], [], []
        for page in pages:
            page.page_ptr_id = page.id
            page.save_base(raw=True, force_insert=True)
            tagged += [PaintingPageTag(content_object=page, tag=tag) for tag in page.tags.all()]
            for child in page.gallery_images.all():
                child.page = page
                children.append(child)
            for edition in page.editions.all():
                edition.page = page
                editions.append(edition)
        PaintingPageTag.objects.bulk_create(tagged)
        PaintingGalleryImage.objects.bulk_create(children)
        PrintEdition.objects.bulk_create(editions)
        parent.numchild += len(pages)
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
        return pages

    def publish_revision(self, page):
        # What Revision.publish() leaves behind, without re-saving the page.
        revision = page.save_revision(changed=False, clean=False)
        Page.objects.filter(pk=page.pk).update(live_revision=revision)
        page.live_revision = revision

    def tags(self, *names):
        """Tag objects, looked up once: the tag manager then needs no query per name."""
        for name in names:
            if name not in self.tag_cache:
                self.tag_cache[name] = Tag.objects.get_or_create(name=name)[0]
        return [self.tag_cache[name] for name in names]

    # -- Structure --

    def build(self):
        """Everything, in one go: returns a dict of what was made, for DemoSite."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        self.media = {name: Medium.objects.get_or_create(name=name)[0] for name in MEDIA_NAMES}
        home = self.build_home(site)
        gallery_index = self.add(home, GalleryIndexPage(**texts.GALLERY_INDEX))
        collections, paintings = self.build_collections(gallery_index)
        self.prints.record_sales(paintings)
        journal, articles = self.build_journal(home, paintings)
        standard_pages = self.build_standard_pages(home)
        contact = self.build_contact(home)
        self.feature(home, gallery_index, collections, paintings)
        self.build_settings(site, standard_pages, contact)
        return {
            "home": home,
            "gallery_index": gallery_index,
            "collections": collections,
            "paintings": paintings,
            "journal": journal,
            "articles": articles,
            "standard_pages": standard_pages,
            "contact": contact,
            "images": self.images.images,
        }

    def build_home(self, site):
        """The home page, made the site's root in place of Wagtail's welcome page."""
        hero = self.images.paint(texts.HERO_PICTURE)
        # Wagtail's welcome page holds the slug "home"; move it aside, then remove it
        # once the new home page is the site's root.
        welcome_pages = list(
            Page.objects.filter(
                depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page)
            )
        )
        for page in welcome_pages:
            Page.objects.filter(pk=page.pk).update(slug=f"{page.slug}-welcome-{page.pk}")
        home = self.add(
            Page.get_first_root_node(),
            HomePage(**texts.HOME, hero_image=hero),
            revision=False,  # published in feature(), once its links and features are set
        )
        site.root_page = home
        site.save()
        for page in welcome_pages:
            page.delete()
        return home

    def feature(self, home, gallery_index, collections, paintings):
        """The home page's call to action, featured collection and six featured paintings."""
        home.hero_cta_page = gallery_index
        home.featured_collection = collections[0]
        step = max(1, len(paintings) // 6)
        for order, painting in enumerate(paintings[::step][:6]):
            home.featured_paintings.add(
                HomePageFeaturedPainting(painting=painting, sort_order=order)
            )
        home.save(clean=False)
        if self.with_revisions:
            self.publish_revision(home)

    # -- Gallery --

    def collection_plan(self):
        """How many paintings each collection gets, and which series it follows."""
        count = max(
            min(3, self.painting_count),
            math.ceil(self.painting_count / PAINTINGS_PER_EXTRA_COLLECTION),
        )
        share, extra = divmod(self.painting_count, count)
        sizes = [share + (i < extra) for i in range(count)]
        return [(SERIES[i % len(SERIES)], i // len(SERIES), size) for i, size in enumerate(sizes)]

    def build_collections(self, gallery_index):
        plan = self.collection_plan()
        pictures, slots = self.images.painting_pool(plan, self.painting_count, self.say)
        started = time.monotonic()
        collections, paintings = [], []
        for index, (series, repeat, size) in enumerate(plan):
            rng = random.Random(index)
            title = series.title
            if repeat:
                title += (
                    f" {ROMAN_NUMERALS[repeat] if repeat < len(ROMAN_NUMERALS) else repeat + 1}"
                )
            collection = self.add(
                gallery_index,
                CollectionPage(
                    title=title,
                    intro=texts.paragraphs(series.intro),
                    cover_image=pictures[series, 0].main,
                    year_start=series.years[0],
                    year_end=series.years[1],
                    search_description=f"{title}: {series.intro}",
                ),
            )
            collections.append(collection)
            made = []
            for position in range(size):
                slot = position % slots
                size = FORMATS[slot]
                painting = self.painting(series, position, size, rng, len(paintings) + position)
                self.hang(painting, pictures[series, slot], position, size)
                self.prints.add_editions(painting)
                made.append(painting)
            if self.painting_count > UNIQUE_IMAGES_UP_TO:
                paintings += self.add_in_bulk(collection, made)
            else:
                paintings += [self.add(collection, painting) for painting in made]
        self.say(
            f"Added {len(paintings)} paintings in {len(collections)} collections "
            f"in {time.monotonic() - started:.1f} s."
        )
        return collections, paintings

    def painting(self, series, position, size, rng, number):
        """A painting page of the series: its title, medium, size, price and words."""
        name = series.painting_titles[position % len(series.painting_titles)]
        cycle = position // len(series.painting_titles)
        title = name if cycle == 0 else f"{name}, study {cycle + 1}"
        medium_name = series.media[position % len(series.media)]
        support = rng.choice(SUPPORTS_BY_MEDIUM[medium_name])
        width_cm, height_cm = size
        depth = DEPTH_BY_SUPPORT.get(support)
        price = Decimal(
            min(4800, max(180, round(width_cm * height_cm * PRICE_PER_CM2[medium_name], -1)))
        )
        year = rng.randint(*series.years)
        support_label = dict(PaintingPage.SUPPORT_CHOICES)[support].lower()
        medium_label = f"{medium_name.lower()} on {support_label}"
        painting = PaintingPage(
            title=title,
            year=year,
            medium=self.media[medium_name],
            support=support,
            width_cm=Decimal(width_cm),
            height_cm=Decimal(height_cm),
            depth_cm=Decimal(depth) if depth else None,
            framed=support == "paper",
            signed=True,
            # One painting in the default site has no price ("price on request"),
            # and about one in eight is shown but not offered for sale.
            price=None if number % 50 == 10 else price,
            for_sale=position % 8 != 5,
            description=texts.paragraphs(
                rng.choice(series.notes),
                f"{title} ({year}), {medium_label}, {width_cm} × {height_cm} cm. "
                + rng.choice(GENERAL_NOTES),
            ),
            search_description=(
                f"{title} ({year}) by {ARTIST_NAME}: {medium_label}, "
                f"{width_cm} × {height_cm} cm, from the series {series.title}."
            ),
        )
        painting.tags.add(*self.tags(*series.tags, rng.choice(series.extra_tags)))
        return painting

    def hang(self, painting, pictures, position, size):
        """The painting's own picture, a detail, and (two times in three) the wall view."""
        painting.image = pictures.main
        painting.gallery_images.add(
            PaintingGalleryImage(
                image=pictures.detail, caption="Detail: the brushwork up close", sort_order=0
            )
        )
        if position % 3 != 2:
            painting.gallery_images.add(
                PaintingGalleryImage(
                    image=pictures.wall,
                    caption=f"On the wall, to show the size ({size[0]} × {size[1]} cm)",
                    sort_order=1,
                )
            )

    # -- Journal, standard pages, contact --

    def build_journal(self, home, paintings):
        journal = self.add(home, JournalIndexPage(**texts.JOURNAL_INDEX))
        covers = [self.images.paint(spec) for spec in texts.JOURNAL_COVERS]
        start = date(*texts.ARTICLES_START)
        articles = []
        for index, (title, intro, tags) in enumerate(texts.ARTICLES):
            cover = covers[index]
            article = ArticlePage(
                title=title,
                date=start + timedelta(days=index * texts.ARTICLE_INTERVAL_DAYS),
                intro=intro,
                cover_image=cover,
                search_description=intro,
                body=texts.article_body(cover, paintings[(index * 7) % len(paintings)]),
            )
            article.tags.add(*self.tags(*tags))
            articles.append(self.add(journal, article))
        return journal, articles

    def build_standard_pages(self, home):
        portrait = self.images.paint(texts.PORTRAIT_PICTURE)
        return [self.add(home, StandardPage(**fields)) for fields in texts.standard_pages(portrait)]

    def build_contact(self, home):
        contact = ContactPage(**texts.CONTACT)
        for order, (label, field_type, required, choices) in enumerate(texts.CONTACT_FORM_FIELDS):
            contact.form_fields.add(
                ContactFormField(
                    label=label,
                    field_type=field_type,
                    required=required,
                    choices=choices,
                    sort_order=order,
                )
            )
        return self.add(home, contact)

    def build_settings(self, site, standard_pages, contact):
        gallery_settings = GallerySettings.for_site(site)
        for name, value in texts.GALLERY_SETTINGS.items():
            setattr(gallery_settings, name, value)
        by_slug = {page.slug: page for page in standard_pages}
        gallery_settings.shipping_returns_page = by_slug.get("shipping-returns")
        gallery_settings.privacy_page = by_slug.get("privacy")
        gallery_settings.contact_page = contact
        gallery_settings.save()
        ShopSettings.for_site(site)
        for rate in SHIPPING_RATES:
            ShippingRate.objects.update_or_create(name=rate["name"], defaults=rate)
