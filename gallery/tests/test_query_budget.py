"""Public pages run a fixed number of SQL queries, however many paintings there are."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.models import (
    ArticlePage,
    HomePageFeaturedPainting,
    Medium,
    PaintingPage,
)
from tests.factories import (
    ArticlePageFactory,
    CollectionPageFactory,
    GalleryIndexPageFactory,
    HomePageFactory,
    ImageFactory,
    JournalIndexPageFactory,
    PaintingPageFactory,
    SaleStateFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 15


@pytest.fixture
def site_tree():
    home = HomePageFactory(site=True)
    collection = CollectionPageFactory(
        parent=GalleryIndexPageFactory(parent=home), cover_image=ImageFactory(title="Cover")
    )
    journal = JournalIndexPageFactory(parent=home)
    for day in range(1, 5):
        ArticlePageFactory(
            parent=journal,
            title=f"Studio notes {day}",
            slug=f"notes-{day}",
            date=datetime.date(2026, 1, day),
            cover_image=ImageFactory(title=f"Article {day}", file__width=120, file__height=80),
        )
    home.featured_collection = collection
    home.save()
    return home, collection


def add_paintings(home, collection, count, start=0):
    oil, _ = Medium.objects.get_or_create(name="Oil")
    for index in range(start, start + count):
        painting = PaintingPageFactory(
            parent=collection,
            title=f"Painting {index}",
            width_cm=30 + index,
            price=Decimal("100") + index,
            medium=oil,
            image=ImageFactory(
                title=f"Painting {index}", file__width=60 + index % 7, file__height=50
            ),
        )
        if index % 3 == 0:
            SaleStateFactory(painting=painting)
        if index < 6:
            HomePageFeaturedPainting.objects.create(page=home, painting=painting, sort_order=index)
    last = collection.get_children().last().specific
    if not last.gallery_images.exists():  # the detail shots a painting page shows
        for detail in range(2):
            last.gallery_images.create(
                image=ImageFactory(title=f"Detail {detail}", file__width=40, file__height=40)
            )
    return last


def count_queries(url):
    client = Client()
    assert client.get(url).status_code == 200  # renditions are made on first view
    caches["renditions"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_query_count_does_not_grow_with_the_number_of_paintings(site_tree):
    home, collection = site_tree
    painting = add_paintings(home, collection, 5)
    urls = {"home": home.url, "collection": collection.url, "painting": painting.url}
    few = {name: count_queries(url) for name, url in urls.items()}

    add_paintings(home, collection, 45, start=5)
    many = {name: count_queries(url) for name, url in urls.items()}

    for name in urls:
        assert few[name][0] == many[name][0], (name, few[name][1], many[name][1])
        assert many[name][0] <= BUDGET, (name, many[name][0], "\n".join(many[name][1]))
    print("\nSQL queries per page:", {name: count for name, (count, _) in many.items()})


def test_collection_pages_show_24_paintings_a_page(site_tree):
    home, collection = site_tree
    add_paintings(home, collection, 30)
    first = Client().get(collection.url).content.decode()
    second = Client().get(collection.url + "?page=2").content.decode()
    assert first.count('painting-card"') == 24
    assert second.count('painting-card"') == 6
    # Out-of-range or nonsense page numbers fall back instead of failing.
    assert Client().get(collection.url + "?page=999").status_code == 200
    assert Client().get(collection.url + "?page=abc").status_code == 200


def test_article_query_count_does_not_grow_with_its_pictures(site_tree):
    home, collection = site_tree
    add_paintings(home, collection, 6)
    article = ArticlePage.objects.get(slug="notes-1")
    paintings = list(PaintingPage.objects.child_of(collection))

    def body_with(count):
        blocks = []
        for index in range(count):
            image = ImageFactory(title=f"Studio {count}-{index}", file__width=90, file__height=60)
            blocks.append(("image", {"image": image, "caption": f"Studio {index}"}))
            blocks.append(("painting", {"painting": paintings[index]}))
        return blocks

    article.body = body_with(1)
    article.save()
    few, _ = count_queries(article.url)
    article.body = body_with(5)
    article.save()
    many, queries = count_queries(article.url)
    assert few == many, queries
    assert many <= BUDGET, "\n".join(queries)
