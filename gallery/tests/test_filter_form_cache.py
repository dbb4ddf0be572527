"""The collection page's filter form, kept by cached_filter_form
(gallery/templatetags/filter_form_cache.py), never shows what has changed and is
never kept once a visitor filled something in. The page cache is off here."""

import pytest
from django.test import Client

from gallery.models import Medium
from gallery.templatetags import filter_form_cache
from shop.models import ShopSettings
from tests.factories import CollectionPageFactory, shop_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    filter_form_cache.FORMS.clear()
    return shop_tree()


def filter_form(url):
    page = Client().get(url).content.decode()
    start = page.index('<form class="painting-filters"')
    return page[start : page.index("</form>", start) + len("</form>")]


def test_the_form_is_kept_and_reused(shop):
    first = filter_form(shop.collection.url)
    assert len(filter_form_cache.FORMS) == 1
    assert filter_form(shop.collection.url) == first
    assert filter_form(shop.collection.url + "?page=1") == first
    assert len(filter_form_cache.FORMS) == 1


def test_a_new_medium_and_new_size_limits_show_at_once(shop):
    assert "Gouache" not in filter_form(shop.collection.url)
    Medium.objects.create(name="Gouache")
    assert "Gouache" in filter_form(shop.collection.url)
    settings = ShopSettings.for_site(shop.site)
    settings.small_max_cm = 33
    settings.save()
    assert "up to 33 cm" in filter_form(shop.collection.url)


def test_each_collection_clears_its_filters_to_itself(shop):
    other = CollectionPageFactory(parent=shop.collection.get_parent(), title="Other")
    assert f'href="{shop.collection.url}"' in filter_form(shop.collection.url)
    assert f'href="{other.url}"' in filter_form(other.url)


def test_a_filled_in_or_invalid_form_is_rendered_afresh(shop):
    oil = Medium.objects.create(name="Oil")
    chosen = filter_form(f"{shop.collection.url}?medium={oil.pk}&sort=price_asc")
    assert f'<option value="{oil.pk}" selected>' in chosen
    assert 'value="price_asc" selected' in chosen
    invalid = filter_form(f"{shop.collection.url}?min_price=abc")
    assert "must be a number" in invalid
    assert not filter_form_cache.FORMS
    assert f'<option value="{oil.pk}" selected>' not in filter_form(shop.collection.url)
