"""Demo content: a believable gallery built from code, for development and tests.

`build_demo_site()` makes the whole tree (home, collections of paintings,
journal, standard pages, contact form), the site settings and shipping rates;
`delete_demo_site()` removes it again. Every picture is painted with Pillow
from a seeded random generator, so two runs give the same site.

The package: `pictures` paints (Pillow only), `content` and `texts` are what
the demo says (plain data), `images` stores pictures as Wagtail images,
`builder` makes the pages and settings, and `indexing` fills the search and
reference indexes in bulk at the end with Wagtail's own commands.

For large demo sites (`paintings=1000`) a small pool of pictures is shared
between paintings, and paintings are added without revisions or per-page
validation: nothing in a demo needs their history, and it keeps 1,000
paintings well under a minute.
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from shop.models import ShippingRate

from ..models import ContactPage, GalleryIndexPage, HomePage, JournalIndexPage, Medium
from .builder import Builder
from .content import ARTIST_NAME, MEDIA_NAMES, SEA, SHIPPING_RATES
from .images import POOL_SIZE, demo_image_collection
from .indexing import indexed_in_bulk
from .pictures import FULL_LONG_SIDE, make_painting_image
from .prints import delete_demo_sales

__all__ = [
    "ARTIST_NAME",
    "FULL_LONG_SIDE",
    "MEDIA_NAMES",
    "POOL_SIZE",
    "SEA",
    "DemoSite",
    "build_demo_site",
    "delete_demo_site",
    "demo_site_exists",
    "make_painting_image",
]


@dataclass
class DemoSite:
    """What build_demo_site made; tests use it to find their way around."""

    home: HomePage
    gallery_index: GalleryIndexPage
    collections: list
    paintings: list
    journal: JournalIndexPage
    articles: list
    standard_pages: list
    contact: ContactPage
    images: list
    seconds: float = 0.0

    @property
    def pages(self):
        return [
            self.home,
            self.gallery_index,
            *self.collections,
            *self.paintings,
            self.journal,
            *self.articles,
            *self.standard_pages,
            self.contact,
        ]

    def summary(self):
        return (
            f"{len(self.pages)} pages ({len(self.collections)} collections, "
            f"{len(self.paintings)} paintings, {len(self.articles)} articles), "
            f"{len(self.images)} images in {self.seconds:.1f} s"
        )


def demo_site_exists():
    return HomePage.objects.exists()


def build_demo_site(paintings=24, stdout=None, with_revisions=True):
    """Build the demo site in one transaction and return what was made.

    Pages get a published revision, as if the artist had published them in
    the admin; paintings too, unless there are more than UNIQUE_IMAGES_UP_TO.
    Call only when demo_site_exists() is False (or after delete_demo_site()).
    """
    if paintings < 1:
        raise ValueError("The demo needs at least one painting.")
    started = time.monotonic()
    builder = Builder(paintings, stdout, with_revisions)
    with transaction.atomic(), indexed_in_bulk(builder.say):
        demo = DemoSite(**builder.build())
    with connection.cursor() as cursor:
        # Table statistics for the query planner after a bulk load: SQLite has none
        # until asked, and without them it may scan every page to list four articles.
        cursor.execute("ANALYZE")
    demo.seconds = time.monotonic() - started
    return demo


def delete_demo_site():
    """Remove the demo tree, its pictures, media and shipping rates."""
    homes = Page.objects.type(HomePage)
    root = Page.get_first_root_node()
    # A Site's root page is deleted with it; point sites elsewhere first so
    # the Site (and its settings) survive for the rebuild.
    Site.objects.filter(root_page__in=homes).update(root_page=root)
    delete_demo_sales(homes)
    for home in homes.order_by("-depth"):
        home.delete()
    image_collection = demo_image_collection(create=False)
    if image_collection is not None:
        for image in get_image_model().objects.filter(collection=image_collection):
            image.delete()
        image_collection.delete()
    Medium.objects.filter(name__in=MEDIA_NAMES, paintings__isnull=True).delete()
    ShippingRate.objects.filter(name__in=[rate["name"] for rate in SHIPPING_RATES]).delete()
